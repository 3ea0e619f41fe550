import { describe, expect, it } from '@jest/globals';
import { nestsDeeperThan } from './json-body-depth.guard';

/** `levels` objects (or arrays) nested, built without recursion. */
function nested(levels: number, make: (inner: unknown) => unknown = (inner) => ({ a: inner })): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) value = make(value);
  return value;
}

describe('nestsDeeperThan', () => {
  it('counts a flat object or array as one level, and scalars as none', () => {
    expect(nestsDeeperThan({ a: 1, b: 'x' }, 1)).toBe(false);
    expect(nestsDeeperThan([1, 2], 1)).toBe(false);
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(undefined, 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
  });

  it('is exact at the bound, for objects and arrays alike', () => {
    expect(nestsDeeperThan(nested(64), 64)).toBe(false);
    expect(nestsDeeperThan(nested(65), 64)).toBe(true);
    expect(nestsDeeperThan(nested(65, (inner) => [inner]), 64)).toBe(true);
  });

  it('finds the deep branch among shallow ones', () => {
    expect(nestsDeeperThan({ shallow: { x: 1 }, list: [1, 2, { deep: nested(10) }] }, 10)).toBe(true);
  });

  it('walks a body a million levels deep without overflowing the stack', () => {
    expect(nestsDeeperThan(nested(1_000_000), 64)).toBe(true);
  });
});
