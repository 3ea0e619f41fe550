import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { decodeCursor, encodeCursor } from './keyset-page';

describe('page cursors', () => {
  it('round-trips the position of the last row, to the millisecond', () => {
    const position = { createdAt: new Date('2026-11-01T10:00:00.123Z'), id: '0b0e8d5e-5f0c-4a3e-9f52-3b8f6d1c2a10' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64 JSON', 'abc'],
    ['JSON of the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['an id that is not a uuid', Buffer.from('[1,"x"]').toString('base64url')],
    ['a time that is not an integer', Buffer.from('["2026","0b0e8d5e-5f0c-4a3e-9f52-3b8f6d1c2a10"]').toString('base64url')],
    ['a time out of range', Buffer.from('[9e300,"0b0e8d5e-5f0c-4a3e-9f52-3b8f6d1c2a10"]').toString('base64url')],
  ])('refuses a cursor that is %s with a 400 naming it', (_case, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(BadRequestException);
    expect(() => decodeCursor(cursor)).toThrow(/cursor/);
  });
});
