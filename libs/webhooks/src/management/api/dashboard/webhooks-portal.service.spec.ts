import { describe, expect, it } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import { dashboardBase } from './dashboard.controller';
import { WebhooksPortal } from './webhooks-portal.service';

const KEY = 'portal-signing-key-of-at-least-32-characters';
const NOW = new Date('2026-11-23T10:00:00Z');

function portal(ttlSeconds?: number, path?: string): WebhooksPortal {
  return new WebhooksPortal({ path, resolveTenant: () => undefined, portal: { signingKey: KEY, ttlSeconds } });
}

describe('WebhooksPortal', () => {
  it('links to the dashboard under the API prefix with the token in the fragment', () => {
    const link = portal(600, '/hooks/').createLink({ tenantId: 'tenant-a', baseUrl: 'https://app.example.com/api/' }, NOW);
    expect(link.url).toBe(`https://app.example.com/api/hooks/dashboard#portal=${link.token}`);
    expect(link.expiresAt).toEqual(new Date('2026-11-23T10:10:00Z'));
  });

  it('uses 15 minutes by default and the per-link lifetime when given', () => {
    expect(portal().createLink({ tenantId: 't', baseUrl: 'http://x' }, NOW).expiresAt).toEqual(new Date('2026-11-23T10:15:00Z'));
    expect(portal().createLink({ tenantId: 't', baseUrl: 'http://x', ttlSeconds: 30 }, NOW).expiresAt).toEqual(new Date('2026-11-23T10:00:30Z'));
  });

  it.each([0, -1, 1.5, 86_401])('refuses a lifetime of %p seconds', (ttlSeconds) => {
    expect(() => portal().createLink({ tenantId: 't', baseUrl: 'http://x', ttlSeconds })).toThrow('ttlSeconds');
  });

  it('refuses a short signing key, and minting without portal options', () => {
    expect(() => new WebhooksPortal({ resolveTenant: () => undefined, portal: { signingKey: 'short' } })).toThrow('signingKey');
    expect(() => new WebhooksPortal({ resolveTenant: () => undefined }).createLink({ tenantId: 't', baseUrl: 'http://x' })).toThrow('portal');
  });

  it('reads the tenant of a portal bearer token, leaves other requests to the host, refuses bad tokens', () => {
    const service = portal();
    const { token } = service.createLink({ tenantId: 'tenant-a', baseUrl: 'http://x' });
    expect(service.tenantOf({ headers: { authorization: `Bearer ${token}` } })).toBe('tenant-a');
    expect(service.tenantOf({ headers: {} })).toBeUndefined();
    expect(service.tenantOf({ headers: { authorization: 'Bearer host-jwt' } })).toBeUndefined();
    expect(() => service.tenantOf({ headers: { authorization: 'Bearer whp_forged.sig' } })).toThrow(UnauthorizedException);
    // Without portal options, portal-looking tokens are the host's business.
    expect(new WebhooksPortal({ resolveTenant: () => undefined }).tenantOf({ headers: { authorization: `Bearer ${token}` } })).toBeUndefined();
  });
});

describe('dashboardBase', () => {
  it.each([
    ['/webhooks/dashboard', '/webhooks/dashboard/'],
    ['/webhooks/dashboard/', '/webhooks/dashboard/'],
    ['/api/v1/webhooks/dashboard?x=1', '/api/v1/webhooks/dashboard/'],
    ['/x/dashboard/"><script>', '/x/dashboard/'],
  ])('%s → %s', (url, base) => {
    expect(dashboardBase(url)).toBe(base);
  });
});
