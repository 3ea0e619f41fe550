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
  'ER_DATA_TOO_LONG',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'SQLITE_MISMATCH',
  'SQLITE_TOOBIG',
]);
const CONFLICT_CODES = new Set(['23505', 'ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * Keeps the management API's promise of never answering 500 to bad input: database errors a
 * request can provoke become 400, 404 or 409. Anything else is logged (name and message only:
 * never the query, its parameters or a payload) and answers a bare 500.
 */
@Catch()
export class WebhooksApiExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('WebhooksApi');

  override catch(exception: unknown, host: ArgumentsHost): void {
    super.catch(this.toHttpException(exception), host);
  }

  private toHttpException(exception: unknown): HttpException {
    if (exception instanceof HttpException) return exception;
    if (exception instanceof EntityNotFoundError) return new NotFoundException('not found');
    if (exception instanceof QueryFailedError) {
      const code = driverCode(exception);
      if (code && INVALID_VALUE_CODES.has(code)) return new BadRequestException('a value in the request has an invalid format or size');
      if (code && CONFLICT_CODES.has(code)) return new ConflictException('conflicts with an existing resource');
    }
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(`unexpected ${error.name}${exception instanceof QueryFailedError ? ` (${driverCode(exception) ?? 'no code'})` : ''}: ${error.message}`);
    return new InternalServerErrorException();
  }
}

function driverCode(error: QueryFailedError): string | undefined {
  const driverError = error.driverError as { code?: unknown } | undefined;
  return typeof driverError?.code === 'string' ? driverError.code : undefined;
}
