/**
 * The escape character of LIKE patterns. Not the backslash: MySQL reads `'\'` as an open
 * string, while PostgreSQL refuses `'\\'` as an escape of two characters.
 */
export const LIKE_ESCAPE = '!';

/** A LIKE pattern matching `text` anywhere, its own `%`, `_` and `!` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (character) => `${LIKE_ESCAPE}${character}`)}%`;
}
