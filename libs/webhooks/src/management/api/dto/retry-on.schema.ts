import type { ApiPropertyOptions } from '@nestjs/swagger';

/** An endpoint's retry rule, in requests and answers. */
export const RETRY_ON_SCHEMA: ApiPropertyOptions = {
  type: 'array',
  items: { oneOf: [{ type: 'integer', minimum: 300, maximum: 599 }, { type: 'string', enum: ['3xx', '4xx', '5xx', 'timeout', 'network'] }] },
  maxItems: 50,
  nullable: true,
  example: ['5xx', 408, 429, 404, 'timeout', 'network'],
  description: "Which failed attempts retry: statuses and classes; any other failure is final (a 410 not listed disables the endpoint). Null for the module's rule (by default 3xx, 408, 429, 5xx, timeouts and network errors).",
};
