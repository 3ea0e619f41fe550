import { QueryFailedError } from 'typeorm';

/** Driver error codes meaning "a value in the request does not fit its column". */
const INVALID_VALUE_CODES = new Set([
  '22P02', // PostgreSQL: invalid text representation (e.g. not a uuid)
  '22001', // PostgreSQL: value too long
  '22003', // PostgreSQL: numeric value out of range
  '22007', // PostgreSQL: invalid datetime format
  '22008', // PostgreSQL: datetime field overflow
  '22021', // PostgreSQL: character not in repertoire (a NUL character)
  '22P05', // PostgreSQL: untranslatable character
  'ER_DATA_TOO_LONG',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'SQLITE_MISMATCH',
  'SQLITE_TOOBIG',
]);
/** Driver error codes of a unique index violated. */
const UNIQUE_VIOLATION_CODES = new Set(['23505', 'ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/** The driver's error code of a failed query (`23505`, `ER_DUP_ENTRY`, `SQLITE_CONSTRAINT_UNIQUE`, ...). */
export function driverCode(error: QueryFailedError): string | undefined {
  const driverError = error.driverError as { code?: unknown } | undefined;
  return typeof driverError?.code === 'string' ? driverError.code : undefined;
}

/** A query refused because it would break a unique index (or the primary key). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && UNIQUE_VIOLATION_CODES.has(driverCode(error) ?? '');
}

/** A query refused because a value does not fit its column (format, size, range). */
export function isInvalidValue(error: unknown): boolean {
  return error instanceof QueryFailedError && INVALID_VALUE_CODES.has(driverCode(error) ?? '');
}
