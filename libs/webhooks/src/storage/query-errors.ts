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

/** Codes of a database that cannot be reached or cannot serve now (network, shutdown, overload, lock). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01', // PostgreSQL: admin shutdown
  '57P02', // PostgreSQL: crash shutdown
  '57P03', // PostgreSQL: cannot connect now (starting up)
  '53300', // PostgreSQL: too many connections
  '08000', // PostgreSQL: connection exception (class 08)
  '08001',
  '08003',
  '08004',
  '08006',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
]);
/** What drivers and pools say, without a code, when the connection is gone. */
const UNAVAILABLE_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /driver not connected/i, /connection is not established/i, /cannot enqueue .* after fatal error/i];

/** The database cannot be reached, or cannot serve now: trying later may work. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code ?? (error instanceof QueryFailedError ? driverCode(error) : undefined);
  return (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}
