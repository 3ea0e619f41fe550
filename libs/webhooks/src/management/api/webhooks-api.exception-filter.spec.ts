import { describe, expect, it } from '@jest/globals';
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { EntityNotFoundError, QueryFailedError } from 'typeorm';
import { RetryLaterException } from '../retry-later.exception';
import { toClientError } from './webhooks-api.exception-filter';

const dbError = (code: string) => new QueryFailedError('SELECT 1 WHERE id = $1', ['secret-payload'], Object.assign(new Error('driver says no'), { code }));

describe('toClientError', () => {
  it('passes HTTP exceptions through unchanged', () => {
    const error = new NotFoundException('endpoint x not found');
    expect(toClientError(error)).toBe(error);
  });

  it.each(['22P02', '22001', '22007', 'ER_DATA_TOO_LONG', 'ER_TRUNCATED_WRONG_VALUE', 'SQLITE_MISMATCH'])('maps the invalid-value driver code %s to 400', (code) => {
    expect(toClientError(dbError(code))).toBeInstanceOf(BadRequestException);
  });

  it.each(['23505', 'ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE'])('maps the unique-violation code %s to 409', (code) => {
    expect(toClientError(dbError(code))).toBeInstanceOf(ConflictException);
  });

  it('maps EntityNotFoundError to 404', () => {
    expect(toClientError(new EntityNotFoundError('WebhookEndpoint', { id: 'x' }))).toBeInstanceOf(NotFoundException);
  });

  it("keeps the status of a body parser's client error (413 for a body over the limit)", () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, statusCode: 413, expose: true, type: 'entity.too.large' });
    const answer = toClientError(tooLarge);
    expect(answer?.getStatus()).toBe(413);
    expect(answer?.message).toBe('request entity too large');
  });

  it('leaves errors with a status that is not meant for the client to the 500 path', () => {
    expect(toClientError(Object.assign(new Error('internal detail'), { status: 413, expose: false }))).toBeNull();
    expect(toClientError(Object.assign(new Error('upstream'), { status: 502, expose: true }))).toBeNull();
  });

  it('answers 503 with a Retry-After for a database out of reach', () => {
    for (const unavailable of [dbError('08006'), dbError('57P01'), Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), new Error('Connection terminated unexpectedly')]) {
      const answer = toClientError(unavailable);
      expect(answer).toBeInstanceOf(RetryLaterException);
      expect({ status: answer?.getStatus(), retryAfter: (answer as RetryLaterException).retryAfterSeconds }).toEqual({ status: 503, retryAfter: 5 });
    }
  });

  it('leaves other errors to the 500 path, and never echoes the query parameters', () => {
    expect(toClientError(dbError('42P01'))).toBeNull();
    expect(toClientError(new Error('boom'))).toBeNull();
    expect(JSON.stringify(toClientError(dbError('22P02'))?.getResponse())).not.toContain('secret-payload');
  });
});
