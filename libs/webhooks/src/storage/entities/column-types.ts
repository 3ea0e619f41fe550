import { Column, type ColumnOptions } from 'typeorm';

// NOTE: every timestamp is written by the library (not by a database default) with
// millisecond precision, so PostgreSQL, MySQL and SQLite store the same instant.
export function TimestampColumn(options: Pick<ColumnOptions, 'nullable'> = {}): PropertyDecorator {
  return Column({ type: Date, precision: 3, nullable: options.nullable ?? false });
}

export function JsonColumn(options: Pick<ColumnOptions, 'nullable' | 'transformer'> = {}): PropertyDecorator {
  return Column({ type: 'json', nullable: options.nullable ?? false, transformer: options.transformer });
}

/**
 * A value stored in a JSON column. Typed loosely because TypeORM's update typings cannot
 * express `unknown` or `Record<string, unknown>` members.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonValue = any;
