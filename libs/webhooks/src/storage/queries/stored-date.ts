/** A raw MIN()/MAX() over a timestamp: a Date (PostgreSQL, MySQL) or SQLite's UTC text. */
export function parseStoredDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'string') return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  return null;
}
