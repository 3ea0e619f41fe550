import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { generateEd25519SigningKey } from '../signing/ed25519-signing-key';
import { InvalidWebhookSecretError } from '../signing/webhook-secret';
import { hmacSignature, signatureHeader } from '../signing/webhook-signature';
import { MAX_SIGNATURE_ENTRIES, verifyWebhook, WebhookVerificationError, type VerifyWebhookOptions } from './verify-webhook';

const SECRET = 'whsec_' + Buffer.alloc(32, 0x11).toString('base64');
const OLD_SECRET = 'whsec_' + Buffer.alloc(32, 0x22).toString('base64');
const OTHER_SECRET = 'whsec_' + Buffer.alloc(32, 0x33).toString('base64');

const NOW = new Date('2030-06-01T12:00:00.000Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const at = (date: Date): VerifyWebhookOptions => ({ now: () => date });
const options = at(NOW);

const ID = 'evt_0b1d4c9e';
const BODY = JSON.stringify({ id: ID, type: 'invoice.paid', timestamp: NOW.toISOString(), data: { amount: 4200 } });

function signed(
  overrides: { id?: string; timestamp?: number; body?: string; secrets?: string[] } = {},
): { body: string; headers: Record<string, string> } {
  const id = overrides.id ?? ID;
  const timestamp = overrides.timestamp ?? NOW_SECONDS;
  const body = overrides.body ?? BODY;
  return {
    body,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(overrides.secrets ?? [SECRET], { id, timestamp, body }),
    },
  };
}

function verificationError(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('verifyWebhook did not throw');
}

describe('verifyWebhook', () => {
  it('returns the id, timestamp and parsed payload of a good webhook', () => {
    const { body, headers } = signed();
    expect(verifyWebhook(body, headers, SECRET, options)).toEqual({
      id: ID,
      timestamp: NOW_SECONDS,
      payload: { id: ID, type: 'invoice.paid', timestamp: NOW.toISOString(), data: { amount: 4200 } },
    });
  });

  it('accepts the body as a Buffer', () => {
    const { body, headers } = signed({ body: JSON.stringify({ name: 'Zoë 東京' }) });
    expect(verifyWebhook(Buffer.from(body, 'utf8'), headers, SECRET, options).payload).toEqual({ name: 'Zoë 東京' });
  });

  it('refuses a tampered body', () => {
    const { headers } = signed();
    const tampered = BODY.replace('4200', '4201');
    const error = verificationError(() => verifyWebhook(tampered, headers, SECRET, options));
    expect(error.message).toBe('no signature matches');
  });

  it('refuses a tampered id', () => {
    const { body, headers } = signed();
    const error = verificationError(() =>
      verifyWebhook(body, { ...headers, 'webhook-id': 'evt_other' }, SECRET, options),
    );
    expect(error.message).toBe('no signature matches');
  });

  it('refuses a tampered timestamp', () => {
    const { body, headers } = signed();
    const error = verificationError(() =>
      verifyWebhook(body, { ...headers, 'webhook-timestamp': String(NOW_SECONDS - 1) }, SECRET, options),
    );
    expect(error.message).toBe('no signature matches');
  });

  it('refuses the wrong secret', () => {
    const { body, headers } = signed();
    expect(verificationError(() => verifyWebhook(body, headers, OTHER_SECRET, options)).message).toBe(
      'no signature matches',
    );
  });

  describe('timestamp tolerance', () => {
    it('accepts a timestamp exactly 300 s old or ahead', () => {
      for (const timestamp of [NOW_SECONDS - 300, NOW_SECONDS + 300]) {
        const { body, headers } = signed({ timestamp });
        expect(verifyWebhook(body, headers, SECRET, options).timestamp).toBe(timestamp);
      }
    });

    it('refuses a stale timestamp', () => {
      const { body, headers } = signed({ timestamp: NOW_SECONDS - 301 });
      expect(verificationError(() => verifyWebhook(body, headers, SECRET, options)).message).toBe(
        'webhook-timestamp is too old',
      );
    });

    it('refuses a timestamp in the future', () => {
      const { body, headers } = signed({ timestamp: NOW_SECONDS + 301 });
      expect(verificationError(() => verifyWebhook(body, headers, SECRET, options)).message).toBe(
        'webhook-timestamp is in the future',
      );
    });

    it('uses the injected clock', () => {
      const { body, headers } = signed();
      expect(() => verifyWebhook(body, headers, SECRET, at(new Date(NOW.getTime() + 299_000)))).not.toThrow();
      expect(verificationError(() => verifyWebhook(body, headers, SECRET, at(new Date(NOW.getTime() + 302_000)))).message).toBe(
        'webhook-timestamp is too old',
      );
    });

    it('honours toleranceSeconds', () => {
      const { body, headers } = signed({ timestamp: NOW_SECONDS - 61 });
      expect(verificationError(() => verifyWebhook(body, headers, SECRET, { ...options, toleranceSeconds: 60 })).message).toBe(
        'webhook-timestamp is too old',
      );
      expect(verifyWebhook(body, headers, SECRET, { ...options, toleranceSeconds: 61 }).id).toBe(ID);
    });
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses a missing %s header', (name) => {
    const { body, headers } = signed();
    const { [name]: _dropped, ...rest } = headers;
    expect(verificationError(() => verifyWebhook(body, rest, SECRET, options)).message).toBe(
      'missing webhook-id, webhook-timestamp or webhook-signature header',
    );
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses an empty %s header', (name) => {
    const { body, headers } = signed();
    expect(verificationError(() => verifyWebhook(body, { ...headers, [name]: '' }, SECRET, options)).message).toBe(
      'missing webhook-id, webhook-timestamp or webhook-signature header',
    );
  });

  it.each(['1.7e9', '-1700000000', 'abc', `${NOW_SECONDS}.5`, ` ${NOW_SECONDS}`, '1'.repeat(16), NOW.toISOString()])(
    'refuses the malformed timestamp %p',
    (timestamp) => {
      const { body, headers } = signed();
      expect(
        verificationError(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': timestamp }, SECRET, options)).message,
      ).toBe('webhook-timestamp is not a unix time in seconds');
    },
  );

  it('refuses a header carrying only an unknown signature version', () => {
    const { body, headers } = signed();
    const v2 = headers['webhook-signature'].replace(/^v1,/, 'v2,');
    expect(v2.startsWith('v2,')).toBe(true);
    expect(
      verificationError(() => verifyWebhook(body, { ...headers, 'webhook-signature': v2 }, SECRET, options)).message,
    ).toBe('no signature matches');
  });

  it('refuses a v1 signature given without its version prefix', () => {
    const { body, headers } = signed();
    const bare = headers['webhook-signature'].slice('v1,'.length);
    expect(
      verificationError(() => verifyWebhook(body, { ...headers, 'webhook-signature': bare }, SECRET, options)).message,
    ).toBe('no signature matches');
  });

  it('passes when one of two signatures matches (sender rotating its secret)', () => {
    const { body, headers } = signed({ secrets: [OTHER_SECRET, SECRET] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWebhook(body, headers, SECRET, options).id).toBe(ID);
  });

  it('passes when one of several entries matches, unknown versions ignored', () => {
    const { body, headers } = signed();
    const header = `v2,Zm9v v1,${Buffer.alloc(32).toString('base64')} ${headers['webhook-signature']}`;
    expect(verifyWebhook(body, { ...headers, 'webhook-signature': header }, SECRET, options).id).toBe(ID);
  });

  it('passes when the receiver holds two secrets and the second matches', () => {
    const { body, headers } = signed({ secrets: [OLD_SECRET] });
    expect(verifyWebhook(body, headers, [SECRET, OLD_SECRET], options).id).toBe(ID);
  });

  it('refuses when none of the receiver secrets matches', () => {
    const { body, headers } = signed({ secrets: [OLD_SECRET] });
    expect(verificationError(() => verifyWebhook(body, headers, [SECRET, OTHER_SECRET], options)).message).toBe(
      'no signature matches',
    );
  });

  it('reads the headers from a Headers instance, whatever their case', () => {
    const { body, headers } = signed();
    const bag = new Headers();
    bag.set('Webhook-Id', headers['webhook-id']);
    bag.set('WEBHOOK-TIMESTAMP', headers['webhook-timestamp']);
    bag.set('webhook-signature', headers['webhook-signature']);
    expect(verifyWebhook(body, bag, SECRET, options)).toMatchObject({ id: ID, timestamp: NOW_SECONDS });
  });

  it('reports a missing header in a Headers instance', () => {
    const { body, headers } = signed();
    const bag = new Headers({ 'webhook-id': headers['webhook-id'], 'webhook-timestamp': headers['webhook-timestamp'] });
    expect(verificationError(() => verifyWebhook(body, bag, SECRET, options)).message).toBe(
      'missing webhook-id, webhook-timestamp or webhook-signature header',
    );
  });

  it('accepts a header given as an array of one', () => {
    const { body, headers } = signed();
    expect(verifyWebhook(body, { ...headers, 'webhook-id': [ID] }, SECRET, options).id).toBe(ID);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses a duplicated %s header', (name) => {
    const { body, headers } = signed();
    const value = headers[name];
    expect(verificationError(() => verifyWebhook(body, { ...headers, [name]: [value, value] }, SECRET, options)).message).toBe(
      `duplicate ${name} header`,
    );
  });

  it('verifies a signature made by the standardwebhooks package', () => {
    const body = JSON.stringify({ type: 'user.created', data: { id: 42 } });
    const signature = new Webhook(SECRET).sign('msg_abc', NOW, body);
    const headers = { 'webhook-id': 'msg_abc', 'webhook-timestamp': String(NOW_SECONDS), 'webhook-signature': signature };
    expect(verifyWebhook(body, headers, SECRET, options)).toEqual({
      id: 'msg_abc',
      timestamp: NOW_SECONDS,
      payload: { type: 'user.created', data: { id: 42 } },
    });
  });

  it('signs what the standardwebhooks package verifies', () => {
    // The package reads the real clock, so sign at the real time here.
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ ok: true });
    const headers = {
      'webhook-id': 'msg_xyz',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader([OLD_SECRET, SECRET], { id: 'msg_xyz', timestamp, body }),
    };
    expect(new Webhook(SECRET).verify(body, headers)).toEqual({ ok: true });
  });

  it('refuses a body that is not JSON although the signature is valid', () => {
    const { body, headers } = signed({ body: 'not json {' });
    expect(verificationError(() => verifyWebhook(body, headers, SECRET, options)).message).toBe('body is not valid JSON');
  });

  it('checks the signature before parsing the body', () => {
    const { headers } = signed({ body: 'not json {' });
    expect(verificationError(() => verifyWebhook('not json }', headers, SECRET, options)).message).toBe(
      'no signature matches',
    );
  });

  it('names its error class', () => {
    const { body, headers } = signed();
    expect(verificationError(() => verifyWebhook(body, headers, OTHER_SECRET, options)).name).toBe(
      'WebhookVerificationError',
    );
  });

  describe('ed25519 (v1a)', () => {
    const ed = generateEd25519SigningKey();
    const other = generateEd25519SigningKey();

    it('verifies a v1a signature with the whpk_ public key', () => {
      const { body, headers } = signed({ secrets: [ed.signingKey] });
      expect(headers['webhook-signature']).toMatch(/^v1a,/);
      expect(verifyWebhook(body, headers, ed.publicKey, options).id).toBe(ID);
    });

    it('refuses a v1a signature under another public key', () => {
      const { body, headers } = signed({ secrets: [ed.signingKey] });
      expect(verificationError(() => verifyWebhook(body, headers, other.publicKey, options)).message).toBe('no signature matches');
    });

    it('refuses a tampered body, id or timestamp', () => {
      const { body, headers } = signed({ secrets: [ed.signingKey] });
      expect(() => verifyWebhook(body.replace('4200', '4201'), headers, ed.publicKey, options)).toThrow('no signature matches');
      expect(() => verifyWebhook(body, { ...headers, 'webhook-id': 'evt_x' }, ed.publicKey, options)).toThrow('no signature matches');
      expect(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': String(NOW_SECONDS + 1) }, ed.publicKey, options)).toThrow('no signature matches');
    });

    it('does not accept a v1a signature relabelled v1, nor a v1 relabelled v1a', () => {
      const ed25519 = signed({ secrets: [ed.signingKey] });
      const relabelled = ed25519.headers['webhook-signature'].replace(/^v1a,/, 'v1,');
      expect(() => verifyWebhook(ed25519.body, { ...ed25519.headers, 'webhook-signature': relabelled }, [ed.publicKey, SECRET], options)).toThrow('no signature matches');
      const hmac = signed();
      const asV1a = hmac.headers['webhook-signature'].replace(/^v1,/, 'v1a,');
      expect(() => verifyWebhook(hmac.body, { ...hmac.headers, 'webhook-signature': asV1a }, [ed.publicKey, SECRET], options)).toThrow('no signature matches');
    });

    it('accepts a mix of secrets and public keys, either entry matching', () => {
      const { body, headers } = signed({ secrets: [ed.signingKey, OLD_SECRET] });
      expect(verifyWebhook(body, headers, [OTHER_SECRET, ed.publicKey], options).id).toBe(ID);
      expect(verifyWebhook(body, headers, [OLD_SECRET, other.publicKey], options).id).toBe(ID);
    });

    it('refuses to verify with the signing key: receivers hold the public key only', () => {
      const { body, headers } = signed({ secrets: [ed.signingKey] });
      expect(() => verifyWebhook(body, headers, ed.signingKey, options)).toThrow(InvalidWebhookSecretError);
    });
  });

  describe('hostile headers', () => {
    it('refuses repeated headers that Node or fetch joined with ", "', () => {
      const { body, headers } = signed();
      const joined = `${headers['webhook-signature']}, ${headers['webhook-signature']}`;
      expect(verificationError(() => verifyWebhook(body, { ...headers, 'webhook-signature': joined }, SECRET, options)).message).toBe(
        'duplicate webhook-signature header',
      );
      const bag = new Headers({ 'webhook-id': ID, 'webhook-timestamp': headers['webhook-timestamp'] });
      bag.append('webhook-timestamp', headers['webhook-timestamp']);
      bag.set('webhook-signature', headers['webhook-signature']);
      expect(verificationError(() => verifyWebhook(body, bag, SECRET, options)).message).toBe('duplicate webhook-timestamp header');
    });

    it(`refuses more than ${MAX_SIGNATURE_ENTRIES} signature entries`, () => {
      const { body, headers } = signed();
      const many = Array.from({ length: MAX_SIGNATURE_ENTRIES }, () => `v1,${Buffer.alloc(32).toString('base64')}`);
      expect(verifyWebhook(body, { ...headers, 'webhook-signature': [...many.slice(1), headers['webhook-signature']].join(' ') }, SECRET, options).id).toBe(ID);
      expect(verificationError(() => verifyWebhook(body, { ...headers, 'webhook-signature': [...many, headers['webhook-signature']].join(' ') }, SECRET, options)).message).toBe(
        'webhook-signature has too many entries',
      );
    });

    it('ignores entries that are not base64, and entries without a version', () => {
      const { body, headers } = signed();
      const header = ['v1,not*base64', 'v1', ',abc', 'v1a,???', 'v1,=', headers['webhook-signature']].join(' ');
      expect(verifyWebhook(body, { ...headers, 'webhook-signature': header }, SECRET, options).id).toBe(ID);
    });

    it('refuses a header value that is not text', () => {
      const { body, headers } = signed();
      expect(verificationError(() => verifyWebhook(body, { ...headers, 'webhook-id': 42 as unknown as string }, SECRET, options)).message).toBe(
        'webhook-id header is not text',
      );
    });
  });

  describe('bodies', () => {
    it('accepts a Uint8Array', () => {
      const { body, headers } = signed();
      expect(verifyWebhook(new TextEncoder().encode(body), headers, SECRET, options).id).toBe(ID);
    });

    it('signs the exact bytes: invalid UTF-8 is not repaired into a match', () => {
      const bytes = Buffer.from([0x7b, 0x7d, 0xff]);
      const headers = {
        'webhook-id': ID,
        'webhook-timestamp': String(NOW_SECONDS),
        'webhook-signature': `v1,${hmacSignature(Buffer.alloc(32, 0x11), { id: ID, timestamp: NOW_SECONDS, body: bytes.toString('utf8') })}`,
      };
      expect(verificationError(() => verifyWebhook(bytes, headers, SECRET, options)).message).toBe('no signature matches');
    });
  });

  describe('keys given', () => {
    it('refuses an empty list as a configuration error', () => {
      const { body, headers } = signed();
      expect(() => verifyWebhook(body, headers, [], options)).toThrow(InvalidWebhookSecretError);
    });

    it('refuses an unusable secret before looking at the request', () => {
      expect(() => verifyWebhook('', {}, 'whsec_short', options)).toThrow(InvalidWebhookSecretError);
    });
  });
});
