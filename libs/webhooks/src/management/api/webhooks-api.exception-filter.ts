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
import { driverCode, isDatabaseUnavailable, isInvalidValue, isUniqueViolation } from '../../storage/query-errors';
import { RetryLaterException } from '../retry-later.exception';

/**
 * The HTTP answer for an error thrown under a management route, or null when the error is
 * unexpected (a 500 to log). Database errors a request can provoke become 400 or 409; a
 * database that does not answer, 503 with `Retry-After`.
 */
export function toClientError(exception: unknown): HttpException | null {
  if (exception instanceof HttpException) return exception;
  if (isExposedClientError(exception)) return new HttpException(exception.message, exception.status);
  if (exception instanceof EntityNotFoundError) return new NotFoundException('not found');
  if (isInvalidValue(exception)) return new BadRequestException('a value in the request has an invalid format or size');
  if (isUniqueViolation(exception)) return new ConflictException('conflicts with an existing resource');
  if (isDatabaseUnavailable(exception)) return RetryLaterException.unavailable('the database');
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
    if (clientError instanceof RetryLaterException) {
      const adapter = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
      adapter?.setHeader(host.switchToHttp().getResponse(), 'Retry-After', String(clientError.retryAfterSeconds));
    }
    if (clientError) return super.catch(clientError, host);
    const error = exception instanceof Error ? exception : new Error(String(exception));
    const code = exception instanceof QueryFailedError ? ` (${driverCode(exception) ?? 'no code'})` : '';
    this.logger.error(`unexpected ${error.name}${code}: ${error.message}`);
    super.catch(new InternalServerErrorException(), host);
  }
}

/**
 * An `http-errors` client error, what body parsers throw (413 for a body over the limit, 415
 * for an unknown charset): its status is the answer, not a 500.
 */
function isExposedClientError(exception: unknown): exception is Error & { status: number } {
  if (!(exception instanceof Error)) return false;
  const { status, expose } = exception as Error & { status?: unknown; expose?: unknown };
  return expose === true && typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500;
}
