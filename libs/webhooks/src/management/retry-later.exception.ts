import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * An answer that says when to come back: 429 Too Many Requests or 503 Service Unavailable; the
 * API's exception filter adds `Retry-After: <retryAfterSeconds>`.
 */
export class RetryLaterException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    status: HttpStatus.TOO_MANY_REQUESTS | HttpStatus.SERVICE_UNAVAILABLE = HttpStatus.TOO_MANY_REQUESTS,
  ) {
    super({ statusCode: status, message }, status);
  }

  /** 503: a service the API needs (the database, Redis) does not answer. */
  static unavailable(what: string, retryAfterSeconds = UNAVAILABLE_RETRY_AFTER_SECONDS): RetryLaterException {
    return new RetryLaterException(`${what} is unavailable, try again later`, retryAfterSeconds, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/** What a client is told to wait when the database or Redis does not answer. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
