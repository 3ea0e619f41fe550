import { ValidateBy, type ValidationOptions } from 'class-validator';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_HEADERS = 20;

/** An object of HTTP header names (RFC 9110 tokens) to values without line breaks. */
export function IsHeaderMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHeaderMap',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= MAX_HEADERS &&
          Object.entries(value).every(
            ([name, headerValue]) => HEADER_NAME.test(name) && typeof headerValue === 'string' && headerValue.length <= 4096 && !/[\r\n\0]/.test(headerValue),
          ),
        defaultMessage: (args) => `${args?.property} must map at most ${MAX_HEADERS} header names to single-line string values`,
      },
    },
    options,
  );
}
