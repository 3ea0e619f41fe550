import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { isSealed, PLAIN_PREFIX, SecretCipher, SecretEncryptionConfigError, SEALED_PREFIX, StoredSecretError } from './secret-cipher';

const key = () => randomBytes(32).toString('base64');
const K1 = { id: 'k1', key: key() };
const K2 = { id: 'k2', key: key() };
const SECRET = 'whsec_' + Buffer.alloc(32, 9).toString('base64');

describe('SecretCipher', () => {
  it('seals as enc:v1:<keyId>:<iv>:<tag>:<ciphertext>, base64 parts, and opens it again', () => {
    const cipher = SecretCipher.fromKeys([K1]);
    const sealed = cipher.seal(SECRET);
    const [, , keyId, iv, tag, ciphertext, ...rest] = sealed.split(':');
    expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
    expect(keyId).toBe('k1');
    expect(Buffer.from(iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(ciphertext, 'base64')).toHaveLength(Buffer.byteLength(SECRET));
    expect(rest).toEqual([]);
    expect(sealed).not.toContain(SECRET.slice(6));
    expect(cipher.open(sealed)).toBe(SECRET);
  });

  it('uses a fresh IV every time', () => {
    const cipher = SecretCipher.fromKeys([K1]);
    expect(cipher.seal(SECRET)).not.toBe(cipher.seal(SECRET));
  });

  it('fits the 512-character column for the longest secret', () => {
    const longest = 'whsec_' + randomBytes(64).toString('base64');
    expect(SecretCipher.fromKeys([{ id: 'a'.repeat(32), key: K1.key }]).seal(longest).length).toBeLessThanOrEqual(512);
  });

  describe('key rotation', () => {
    it('seals with the first key and opens with any key of the ring', () => {
      const old = SecretCipher.fromKeys([K1]).seal(SECRET);
      const rotated = SecretCipher.fromKeys([K2, K1]);
      expect(rotated.open(old)).toBe(SECRET);
      expect(rotated.seal(SECRET).startsWith('enc:v1:k2:')).toBe(true);
      expect(rotated.currentKeyId).toBe('k2');
    });

    it('tells what is sealed with the current key', () => {
      const rotated = SecretCipher.fromKeys([K2, K1]);
      expect(rotated.isCurrent(SecretCipher.fromKeys([K1]).seal(SECRET))).toBe(false);
      expect(rotated.isCurrent(rotated.seal(SECRET))).toBe(true);
      expect(rotated.isCurrent(SECRET)).toBe(false);
      expect(rotated.isCurrent(PLAIN_PREFIX + SECRET)).toBe(false);
    });

    it('names the key missing from the ring, never the value', () => {
      const sealed = SecretCipher.fromKeys([K1]).seal(SECRET);
      expect(() => SecretCipher.fromKeys([K2]).open(sealed)).toThrow(StoredSecretError);
      expect(() => SecretCipher.fromKeys([K2]).open(sealed)).toThrow('an endpoint secret is encrypted with key "k1", which secretEncryption.keys does not list');
    });
  });

  describe('tampering', () => {
    const cipher = SecretCipher.fromKeys([K1, K2]);
    const sealed = cipher.seal(SECRET);
    const parts = sealed.split(':');
    const flip = (base64: string) => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };

    it.each([
      ['the ciphertext', [...parts.slice(0, 5), flip(parts[5])]],
      ['the tag', [...parts.slice(0, 4), flip(parts[4]), parts[5]]],
      ['the IV', [...parts.slice(0, 3), flip(parts[3]), ...parts.slice(4)]],
      ['the key id, relabelled to another key of the ring', [...parts.slice(0, 2), 'k2', ...parts.slice(3)]],
    ])('fails loudly when %s changed', (_what, altered) => {
      expect(() => cipher.open(altered.join(':'))).toThrow(StoredSecretError);
      expect(() => cipher.open(altered.join(':'))).toThrow(/^an endpoint secret does not decrypt with key "k[12]": wrong key or altered value$/);
    });

    it('fails loudly on a truncated value', () => {
      expect(() => cipher.open(parts.slice(0, 4).join(':'))).toThrow(StoredSecretError);
    });
  });

  describe('without keys', () => {
    it('stores plain:<secret> and reads it, and rows written before encryption, back', () => {
      const cipher = SecretCipher.plaintext();
      expect(cipher.seal(SECRET)).toBe(`plain:${SECRET}`);
      expect(cipher.open(`plain:${SECRET}`)).toBe(SECRET);
      expect(cipher.open(SECRET)).toBe(SECRET);
      expect(cipher.currentKeyId).toBeNull();
    });

    it('cannot read an encrypted value', () => {
      const sealed = SecretCipher.fromKeys([K1]).seal(SECRET);
      expect(() => SecretCipher.plaintext().open(sealed)).toThrow('an endpoint secret is encrypted, but secretEncryption is not configured');
    });

    it('can refuse every write and still read plaintext', () => {
      const cipher = SecretCipher.refusingWrites();
      expect(() => cipher.seal(SECRET)).toThrow('cannot store an endpoint secret: secretEncryption is required when NODE_ENV is "production"');
      expect(cipher.open(`plain:${SECRET}`)).toBe(SECRET);
    });
  });

  it('leaves a sealed value as it is, and seals the secret inside a plain: value', () => {
    const cipher = SecretCipher.fromKeys([K1]);
    const sealed = cipher.seal(SECRET);
    expect(cipher.seal(sealed)).toBe(sealed);
    expect(cipher.open(cipher.seal(`plain:${SECRET}`))).toBe(SECRET);
    expect(isSealed(sealed)).toBe(true);
  });

  it('compares key rings, not instances', () => {
    expect(SecretCipher.fromKeys([K1, K2]).sameAs(SecretCipher.fromKeys([{ ...K1 }, { ...K2 }]))).toBe(true);
    expect(SecretCipher.fromKeys([K1, K2]).sameAs(SecretCipher.fromKeys([K2, K1]))).toBe(false);
    expect(SecretCipher.plaintext().sameAs(SecretCipher.plaintext())).toBe(true);
    expect(SecretCipher.plaintext().sameAs(SecretCipher.refusingWrites())).toBe(false);
  });

  describe('configuration', () => {
    it.each([
      [[], 'secretEncryption.keys must list at least one key'],
      [[{ id: '', key: K1.key }], 'secretEncryption.keys[0].id must be 1 to 32 letters, digits, "_" or "-"'],
      [[{ id: 'a:b', key: K1.key }], 'secretEncryption.keys[0].id must be 1 to 32 letters, digits, "_" or "-"'],
      [[{ id: 'x'.repeat(33), key: K1.key }], 'secretEncryption.keys[0].id must be 1 to 32 letters, digits, "_" or "-"'],
      [[K1, { id: 'k1', key: K2.key }], 'secretEncryption.keys[1].id "k1" is listed twice'],
      [[K1, { id: 'k2', key: randomBytes(16).toString('base64') }], 'secretEncryption.keys[1].key must be the base64 of 32 bytes (e.g. from "openssl rand -base64 32")'],
      [[{ id: 'k1', key: 'not base64!' }], 'secretEncryption.keys[0].key must be the base64 of 32 bytes (e.g. from "openssl rand -base64 32")'],
      [[{ id: 'k1' }], 'secretEncryption.keys[0].key must be the base64 of 32 bytes (e.g. from "openssl rand -base64 32")'],
      [undefined, 'secretEncryption.keys must list at least one key'],
    ])('refuses %j naming the option', (keys, message) => {
      expect(() => SecretCipher.fromKeys(keys as never)).toThrow(SecretEncryptionConfigError);
      expect(() => SecretCipher.fromKeys(keys as never)).toThrow(message);
    });

    it('never puts a key in its messages', () => {
      const bad = randomBytes(31).toString('base64');
      try {
        SecretCipher.fromKeys([{ id: 'k1', key: bad }]);
      } catch (error) {
        expect((error as Error).message).not.toContain(bad);
      }
    });
  });
});
