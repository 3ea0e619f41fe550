/** A validated ISO 8601 query value as a Date. */
export function optionalDate(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}
