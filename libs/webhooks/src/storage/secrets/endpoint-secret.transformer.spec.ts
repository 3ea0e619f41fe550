import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { customHeadersTransformer, endpointSecretTransformer, installedSecretCipher, installSecretCipher, previousSecretsTransformer } from './endpoint-secret.transformer';
import { SecretCipher } from './secret-cipher';

const KEY = { id: 'k1', key: randomBytes(32).toString('base64') };
const cipher = SecretCipher.fromKeys([KEY]);
const SECRET = 'whsec_' + Buffer.alloc(32, 3).toString('base64');
const releases: Array<() => void> = [];
const install = (c: SecretCipher) => releases.push(installSecretCipher(c));

describe('endpoint secret transformers', () => {
  afterEach(() => {
    while (releases.length) releases.pop()!();
  });

  it('seal on write and open on read while a cipher is installed', () => {
    install(cipher);
    const stored = endpointSecretTransformer.to(SECRET) as string;
    expect(stored.startsWith('enc:v1:k1:')).toBe(true);
    expect(endpointSecretTransformer.from(stored)).toBe(SECRET);
  });

  it('seal every previous secret and keep the other fields, without touching the input', () => {
    install(cipher);
    const previous = [{ secret: SECRET, expiresAt: '2030-01-01T00:00:00.000Z' }];
    const stored = previousSecretsTransformer.to(previous) as typeof previous;
    expect(previous[0].secret).toBe(SECRET);
    expect(stored[0].secret.startsWith('enc:v1:k1:')).toBe(true);
    expect(stored[0].expiresAt).toBe('2030-01-01T00:00:00.000Z');
    expect(previousSecretsTransformer.from(stored)).toEqual(previous);
  });

  it('seal the values of credential headers only, and read plaintext values of older rows as they are', () => {
    install(cipher);
    const stored = customHeadersTransformer.to({ Authorization: 'Bearer t', 'X-Team': 'billing' }) as Record<string, string>;
    expect(stored.Authorization.startsWith('enc:v1:k1:')).toBe(true);
    expect(stored['X-Team']).toBe('billing');
    expect(customHeadersTransformer.from(stored)).toEqual({ Authorization: 'Bearer t', 'X-Team': 'billing' });
    expect(customHeadersTransformer.from({ Authorization: 'Bearer legacy' })).toEqual({ Authorization: 'Bearer legacy' });
  });

  it('leave null, undefined and odd shapes alone', () => {
    install(cipher);
    for (const value of [null, undefined, 42, { secret: 1 }]) {
      expect(endpointSecretTransformer.to(value)).toBe(value);
      expect(previousSecretsTransformer.to(value)).toBe(value);
    }
    for (const value of [null, undefined, 42, ['Authorization']]) expect(customHeadersTransformer.to(value)).toBe(value);
    expect(customHeadersTransformer.to({ Authorization: 5 })).toEqual({ Authorization: 5 });
    expect(previousSecretsTransformer.to([null, { expiresAt: 'x' }])).toEqual([null, { expiresAt: 'x' }]);
  });

  it('pass values through when no module runs', () => {
    expect(installedSecretCipher()).toBeNull();
    expect(endpointSecretTransformer.to(SECRET)).toBe(SECRET);
    expect(endpointSecretTransformer.from('enc:v1:k1:a:b:c')).toBe('enc:v1:k1:a:b:c');
  });

  it('share one cipher between modules with the same keys, until the last releases it', () => {
    const first = installSecretCipher(cipher);
    const second = installSecretCipher(SecretCipher.fromKeys([{ ...KEY }]));
    first();
    first();
    expect(installedSecretCipher()).toBe(cipher);
    second();
    expect(installedSecretCipher()).toBeNull();
  });

  it('refuse a second module with other keys', () => {
    install(cipher);
    expect(() => installSecretCipher(SecretCipher.plaintext())).toThrow(/another WebhooksModule in this process uses different secretEncryption settings/);
  });
});
