import {
  BadRequestException,
  Catch,
  ConflictException,
  HttpException,
  InternalServerErrorException,
  Logger,
  NotFoundException,
  type ArgumentsHost,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { EntityNotFoundError, QueryFailedError } from 'typeorm';

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
const CONFLICT_CODES = new Set(['23505', 'ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * The HTTP answer for an error thrown under a management route, or null when the error is
 * unexpected (a 500 to log). Database errors a request can provoke become 400 or 409.
 */
export function toClientError(exception: unknown): HttpException | null {
  if (exception instanceof HttpException) return exception;
  if (exception instanceof EntityNotFoundError) return new NotFoundException('not found');
  if (exception instanceof QueryFailedError) {
    const code = driverCode(exception);
    if (code && INVALID_VALUE_CODES.has(code)) return new BadRequestException('a value in the request has an invalid format or size');
    if (code && CONFLICT_CODES.has(code)) return new ConflictException('conflicts with an existing resource');
  }
  return null;
}

/**
 * Keeps the management API's promise of never answering 500 to bad input (see
 * `toClientError`). Anything else is logged (name, driver code and message only: never the
 * query, its parameters or a payload) and answers a bare 500.
 */
@Catch()
export class WebhooksApiExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('WebhooksApi');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const clientError = toClientError(exception);
    if (clientError) return super.catch(clientError, host);
    const error = exception instanceof Error ? exception : new Error(String(exception));
    const code = exception instanceof QueryFailedError ? ` (${driverCode(exception) ?? 'no code'})` : '';
    this.logger.error(`unexpected ${error.name}${code}: ${error.message}`);
    super.catch(new InternalServerErrorException(), host);
  }
}

function driverCode(error: QueryFailedError): string | undefined {
  const driverError = error.driverError as { code?: unknown } | undefined;
  return typeof driverError?.code === 'string' ? driverError.code : undefined;
}
