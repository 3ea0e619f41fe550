import { describe, expect, it } from '@jest/globals';
import { InvalidPortalTokenError, signPortalToken, verifyPortalToken } from './portal-token';

const KEY = 'portal-signing-key-of-at-least-32-characters';
const NOW = new Date('2026-11-23T10:00:00Z');
const LATER = Math.floor(NOW.getTime() / 1000) + 600;

describe('portal tokens', () => {
  it('round-trips the tenant and expiry', () => {
    const token = signPortalToken({ tenantId: 'tenant-a', expiresAt: LATER }, KEY);
    expect(token.startsWith('whp_')).toBe(true);
    expect(verifyPortalToken(token, KEY, NOW)).toEqual({ tenantId: 'tenant-a', expiresAt: LATER });
  });

  it('refuses an expired token', () => {
    const token = signPortalToken({ tenantId: 'tenant-a', expiresAt: LATER }, KEY);
    expect(() => verifyPortalToken(token, KEY, new Date(LATER * 1000))).toThrow('expired');
  });

  it('refuses a token signed with another key or with its payload changed', () => {
    const token = signPortalToken({ tenantId: 'tenant-a', expiresAt: LATER }, KEY);
    expect(() => verifyPortalToken(token, `${KEY}x`, NOW)).toThrow(InvalidPortalTokenError);
    const [, signature] = token.split('.');
    const forged = `whp_${Buffer.from(JSON.stringify({ t: 'tenant-b', exp: LATER })).toString('base64url')}.${signature}`;
    expect(() => verifyPortalToken(forged, KEY, NOW)).toThrow('signature');
  });

  it.each(['', 'whp_', 'whp_abc', 'whp_a.b.c', 'Bearer x', 'whp_.sig'])('refuses the malformed token %p', (token) => {
    expect(() => verifyPortalToken(token, KEY, NOW)).toThrow(InvalidPortalTokenError);
  });
});
