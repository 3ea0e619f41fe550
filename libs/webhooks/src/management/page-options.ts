import { BadRequestException } from '@nestjs/common';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

/** One page of a list, newest first. */
export interface Paged<T> {
  data: T[];
  /** Pass as `cursor` to read the next page; null on the last page. */
  nextCursor: string | null;
  /** With `includeTotal`: how many items match the filters, on every page. */
  total?: number;
}

/** Keyset paging of every list. */
export interface PageOptions {
  /** Items per page, 1 to 100 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Also count the items the filters match (one more query). */
  includeTotal?: boolean;
}

/** The page size asked for, or 400 naming `limit`. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new BadRequestException(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return limit;
}
