import { describe, expect, it } from '@jest/globals';
import { sameJson } from './same-json';

describe('sameJson', () => {
  it('ignores the order of object keys, at every depth', () => {
    expect(sameJson({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
  });

  it('tells different values, array orders and types apart', () => {
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });

  it('treats null and undefined alike, as the columns store them', () => {
    expect(sameJson(null, undefined)).toBe(true);
    expect(sameJson({ a: undefined }, {})).toBe(true);
  });
});
