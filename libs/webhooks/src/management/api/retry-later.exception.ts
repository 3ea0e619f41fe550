import { HttpException, HttpStatus } from '@nestjs/common';

/** 429 Too Many Requests; the API's exception filter adds `Retry-After: <retryAfterSeconds>`. */
export class RetryLaterException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: HttpStatus.TOO_MANY_REQUESTS, message }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
