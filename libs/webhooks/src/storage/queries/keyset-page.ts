import { BadRequestException } from '@nestjs/common';
import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';

/** One page of a list, newest first. */
export interface Page<T> {
  data: T[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

interface CursorPosition {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** base64url of `[createdAt in ms, id]` of the last row of a page. */
export function encodeCursor(row: CursorPosition): string {
  return Buffer.from(JSON.stringify([row.createdAt.getTime(), row.id])).toString('base64url');
}

/** The position a cursor points at, or 400 naming `cursor`. */
export function decodeCursor(cursor: string): CursorPosition {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && Number.isSafeInteger(decoded[0]) && typeof decoded[1] === 'string' && UUID.test(decoded[1])) {
      const createdAt = new Date(decoded[0] as number);
      if (!Number.isNaN(createdAt.getTime())) return { createdAt, id: decoded[1] };
    }
  } catch {
    // falls through to the 400 below
  }
  throw new BadRequestException('cursor is invalid: pass the nextCursor of a previous page');
}

/**
 * Orders newest first (`createdAt`, then `id`, both descending) and, after a cursor, keeps
 * the rows that come after it: keyset pagination, so a page costs the same at any depth and
 * rows inserted meanwhile neither shift nor repeat the pages.
 */
export function afterCursor<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, alias: string, position: CursorPosition | null): SelectQueryBuilder<T> {
  if (position) {
    query.andWhere(
      new Brackets((inner) =>
        inner
          .where(`${alias}.createdAt < :cursorCreatedAt`, { cursorCreatedAt: position.createdAt })
          .orWhere(new Brackets((tie) => tie.where(`${alias}.createdAt = :cursorCreatedAt`).andWhere(`${alias}.id < :cursorId`, { cursorId: position.id }))),
      ),
    );
  }
  return query.orderBy(`${alias}.createdAt`, 'DESC').addOrderBy(`${alias}.id`, 'DESC');
}

/** Runs a list query as one page of `limit` rows. */
export async function readPage<T extends ObjectLiteral & CursorPosition>(
  query: SelectQueryBuilder<T>,
  alias: string,
  options: { limit: number; cursor?: string },
): Promise<Page<T>> {
  const position = options.cursor === undefined ? null : decodeCursor(options.cursor);
  const rows = await afterCursor(query, alias, position).take(options.limit + 1).getMany();
  const data = rows.slice(0, options.limit);
  return { data, nextCursor: rows.length > options.limit ? encodeCursor(data[data.length - 1]) : null };
}
