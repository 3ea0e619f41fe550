import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MAX_PREVIOUS_SECRETS, rotateSecrets } from './secret-rotation';

const NOW = new Date('2030-01-01T00:00:00.000Z');
const HOUR = 3_600_000;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

describe('rotateSecrets', () => {
  it('makes the new secret current and keeps the replaced one signing for the overlap', () => {
    expect(rotateSecrets({ secret: 's1', previousSecrets: [] }, 's2', 24 * HOUR, 5, NOW)).toEqual({
      secret: 's2',
      previousSecrets: [{ secret: 's1', expiresAt: at(24 * HOUR) }],
    });
  });

  it('drops the replaced secret at once with no overlap', () => {
    expect(rotateSecrets({ secret: 's1', previousSecrets: [] }, 's2', 0, 5, NOW)).toEqual({ secret: 's2', previousSecrets: [] });
  });

  it('drops previous secrets already expired and keeps those still signing, oldest first', () => {
    const previousSecrets = [
      { secret: 'expired', expiresAt: at(-1) },
      { secret: 'exactly-now', expiresAt: at(0) },
      { secret: 'still', expiresAt: at(HOUR) },
    ];
    expect(rotateSecrets({ secret: 's1', previousSecrets }, 's2', 2 * HOUR, 5, NOW).previousSecrets).toEqual([
      { secret: 'still', expiresAt: at(HOUR) },
      { secret: 's1', expiresAt: at(2 * HOUR) },
    ]);
  });

  it('keeps at most maxPrevious, dropping the oldest', () => {
    let endpoint = { secret: 's0', previousSecrets: [] as Array<{ secret: string; expiresAt: string }> };
    for (let n = 1; n <= 8; n += 1) endpoint = rotateSecrets(endpoint, `s${n}`, HOUR, 3, NOW);
    expect(endpoint.secret).toBe('s8');
    expect(endpoint.previousSecrets.map((entry) => entry.secret)).toEqual(['s5', 's6', 's7']);
  });

  it('keeps five by default', () => {
    expect(DEFAULT_MAX_PREVIOUS_SECRETS).toBe(5);
    let endpoint = { secret: 's0', previousSecrets: [] as Array<{ secret: string; expiresAt: string }> };
    for (let n = 1; n <= 7; n += 1) endpoint = rotateSecrets(endpoint, `s${n}`, HOUR, undefined, NOW);
    expect(endpoint.previousSecrets).toHaveLength(5);
  });

  it('keeps none with maxPrevious 0', () => {
    expect(rotateSecrets({ secret: 's1', previousSecrets: [] }, 's2', HOUR, 0, NOW).previousSecrets).toEqual([]);
  });

  it('does not list a reused secret twice', () => {
    const endpoint = { secret: 's2', previousSecrets: [{ secret: 's1', expiresAt: at(HOUR) }] };
    expect(rotateSecrets(endpoint, 's1', HOUR, 5, NOW)).toEqual({ secret: 's1', previousSecrets: [{ secret: 's2', expiresAt: at(HOUR) }] });
  });

  it('treats null previous secrets as none and ignores unreadable expiry dates', () => {
    expect(rotateSecrets({ secret: 's1', previousSecrets: null }, 's2', HOUR, 5, NOW).previousSecrets).toHaveLength(1);
    const garbled = { secret: 's1', previousSecrets: [{ secret: 'x', expiresAt: 'not a date' }] };
    expect(rotateSecrets(garbled, 's2', HOUR, 5, NOW).previousSecrets.map((entry) => entry.secret)).toEqual(['s1']);
  });

  it('does not change its input', () => {
    const endpoint = { secret: 's1', previousSecrets: [{ secret: 's0', expiresAt: at(HOUR) }] };
    const copy = structuredClone(endpoint);
    rotateSecrets(endpoint, 's2', HOUR, 5, NOW);
    expect(endpoint).toEqual(copy);
  });

  it.each([
    [-1, 5, 'overlapMs must be a non-negative integer'],
    [1.5, 5, 'overlapMs must be a non-negative integer'],
    [Number.NaN, 5, 'overlapMs must be a non-negative integer'],
    [HOUR, -1, 'maxPrevious must be a non-negative integer'],
    [HOUR, 2.5, 'maxPrevious must be a non-negative integer'],
  ])('refuses overlap %p with maxPrevious %p', (overlapMs, maxPrevious, message) => {
    expect(() => rotateSecrets({ secret: 's1', previousSecrets: [] }, 's2', overlapMs, maxPrevious, NOW)).toThrow(message);
  });

  it('refuses a new secret equal to the current one', () => {
    expect(() => rotateSecrets({ secret: 's1', previousSecrets: [] }, 's1', HOUR, 5, NOW)).toThrow('the new secret must differ from the current secret');
  });
});
