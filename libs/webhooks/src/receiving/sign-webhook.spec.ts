import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { generateEd25519SigningKey } from '../signing/ed25519-signing-key';
import { generateWebhookSecret } from '../signing/webhook-secret';
import { signWebhook } from './sign-webhook';
import { verifyWebhook } from './verify-webhook';

describe('signWebhook', () => {
  const secret = generateWebhookSecret();

  it('signs as Standard Webhooks does: the independent verifier accepts it', () => {
    const signed = signWebhook({ type: 'invoice.paid', data: { id: 'in_1' } }, secret, { id: 'msg_1', timestamp: new Date('2026-12-01T10:00:00Z') });
    expect(signed.body).toBe('{"type":"invoice.paid","data":{"id":"in_1"}}');
    expect(signed.headers['webhook-id']).toBe('msg_1');
    expect(signed.headers['webhook-timestamp']).toBe(String(Date.parse('2026-12-01T10:00:00Z') / 1000));
    const verifier = new Webhook(secret.slice('whsec_'.length));
    // standardwebhooks checks the timestamp against its clock: sign now for that check.
    const now = signWebhook(signed.body, secret);
    expect(verifier.verify(now.body, now.headers)).toEqual(JSON.parse(signed.body));
  });

  it('takes a string body as it is, and defaults the id and the timestamp to new ones and now', () => {
    const before = Math.floor(Date.now() / 1000);
    const signed = signWebhook('{"a":1}', secret);
    expect(signed.body).toBe('{"a":1}');
    expect(signed.headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(Number(signed.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(verifyWebhook(signed.body, signed.headers, secret).payload).toEqual({ a: 1 });
  });

  it('signs once per secret during a rotation, and with ed25519 keys (v1a)', () => {
    const other = generateWebhookSecret();
    const ed = generateEd25519SigningKey();
    const signed = signWebhook('{}', [other, secret, ed.signingKey]);
    const entries = signed.headers['webhook-signature'].split(' ');
    expect(entries.map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1', 'v1a']);
    expect(() => verifyWebhook(signed.body, signed.headers, secret)).not.toThrow();
    expect(() => verifyWebhook(signed.body, signed.headers, ed.publicKey)).not.toThrow();
  });
});
