import { describe, expect, it } from '@jest/globals';
import { containsPattern } from './like-pattern';

describe('containsPattern', () => {
  it('wraps the text in % and escapes the characters LIKE would read as patterns', () => {
    expect(containsPattern('billing')).toBe('%billing%');
    expect(containsPattern('100%_done!')).toBe('%100!%!_done!!%');
  });
});
