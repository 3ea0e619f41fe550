import { ValidateBy, type ValidationOptions } from 'class-validator';
import { customHeadersProblem } from '../../endpoint-input.rules';

/** A map of custom request headers that EndpointsService would accept (the rules are its). */
export function IsHeaderMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHeaderMap',
      validator: {
        validate: (value: unknown) => customHeadersProblem(value) === null,
        defaultMessage: (args) => customHeadersProblem(args?.value) ?? `${args?.property} must be a header map`,
      },
    },
    options,
  );
}
