import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SecretEncryptionKey } from '../../options/webhooks-options.interface';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Prefix of a value encrypted at rest: `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>`, base64 parts. */
export const SEALED_PREFIX = 'enc:v1:';
/** Prefix of a value stored in plaintext because no key is configured (outside production). */
export const PLAIN_PREFIX = 'plain:';

/** The key ring is unusable; the message names the option at fault, never a key. */
export class SecretEncryptionConfigError extends Error {
  override readonly name = 'SecretEncryptionConfigError';
}

/** A stored secret cannot be read, or a secret cannot be stored, with the configured keys. Never carries the value. */
export class StoredSecretError extends Error {
  override readonly name = 'StoredSecretError';
}

/**
 * Encrypts secrets for storage with AES-256-GCM under a key ring: the first key seals,
 * every key opens (rotation), the key id is stored with each value, and the GCM tag makes
 * any change to a stored value (or to its key id) fail loudly instead of signing with junk.
 *
 * Without keys it works in plaintext (`plain:` + the secret) or, when `refuseWrites` is set,
 * refuses to store any secret: what production gets when the module is disabled and no key
 * was given.
 */
export class SecretCipher {
  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly current: string | null,
    private readonly refuseWrites = false,
  ) {}

  /** A cipher over the configured key ring; throws `SecretEncryptionConfigError` naming the bad entry. */
  static fromKeys(keys: readonly SecretEncryptionKey[]): SecretCipher {
    if (!Array.isArray(keys) || keys.length === 0) throw new SecretEncryptionConfigError('secretEncryption.keys must list at least one key');
    const ring = new Map<string, Buffer>();
    keys.forEach((entry, index) => {
      const name = `secretEncryption.keys[${index}]`;
      if (typeof entry?.id !== 'string' || !KEY_ID.test(entry.id)) {
        throw new SecretEncryptionConfigError(`${name}.id must be 1 to 32 letters, digits, "_" or "-"`);
      }
      if (ring.has(entry.id)) throw new SecretEncryptionConfigError(`${name}.id "${entry.id}" is listed twice`);
      const key = typeof entry.key === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(entry.key) ? Buffer.from(entry.key, 'base64') : null;
      if (!key || key.length !== KEY_BYTES) {
        throw new SecretEncryptionConfigError(`${name}.key must be the base64 of ${KEY_BYTES} bytes (e.g. from "openssl rand -base64 32")`);
      }
      ring.set(entry.id, key);
    });
    return new SecretCipher(ring, keys[0].id);
  }

  /** No key: secrets are stored as `plain:<secret>`. */
  static plaintext(): SecretCipher {
    return new SecretCipher(new Map(), null);
  }

  /** No key, and no secret may be written (reads of `plain:` and legacy values still work). */
  static refusingWrites(): SecretCipher {
    return new SecretCipher(new Map(), null, true);
  }

  /** The id of the key new values are sealed with; null without keys. */
  get currentKeyId(): string | null {
    return this.current;
  }

  /** True when both ciphers would read and write every value the same way. */
  sameAs(other: SecretCipher): boolean {
    return this.fingerprint() === other.fingerprint();
  }

  /** The stored form of a secret. A value already sealed is returned as is. */
  seal(secret: string): string {
    if (isSealed(secret)) return secret;
    const plain = secret.startsWith(PLAIN_PREFIX) ? secret.slice(PLAIN_PREFIX.length) : secret;
    if (this.current === null) {
      if (this.refuseWrites) {
        throw new StoredSecretError('cannot store an endpoint secret: secretEncryption is required when NODE_ENV is "production"');
      }
      return PLAIN_PREFIX + plain;
    }
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.current)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.current));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${SEALED_PREFIX}${this.current}:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${ciphertext.toString('base64')}`;
  }

  /** The secret inside a stored value: sealed, `plain:` or (rows written before encryption) bare. */
  open(stored: string): string {
    if (stored.startsWith(PLAIN_PREFIX)) return stored.slice(PLAIN_PREFIX.length);
    if (!isSealed(stored)) return stored;
    const [keyId, iv, tag, ciphertext] = stored.slice(SEALED_PREFIX.length).split(':');
    const key = this.keys.get(keyId);
    if (!key) {
      throw new StoredSecretError(
        this.current === null
          ? 'an endpoint secret is encrypted, but secretEncryption is not configured'
          : `an endpoint secret is encrypted with key "${keyId}", which secretEncryption.keys does not list`,
      );
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64'), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(keyId));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new StoredSecretError(`an endpoint secret does not decrypt with key "${keyId}": wrong key or altered value`);
    }
  }

  /** True when the stored value is sealed with the current key (nothing to re-encrypt). */
  isCurrent(stored: string): boolean {
    return this.current === null ? !isSealed(stored) : stored.startsWith(`${SEALED_PREFIX}${this.current}:`);
  }

  private fingerprint(): string {
    const hash = createHash('sha256').update(`${this.current ?? ''}|${this.refuseWrites}`);
    for (const [id, key] of this.keys) hash.update(`|${id}:`).update(key);
    return hash.digest('hex');
  }
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

// NOTE: the key id is authenticated with the ciphertext, so a stored value cannot be
// relabelled to another key of the ring.
function aad(keyId: string): Buffer {
  return Buffer.from(`${SEALED_PREFIX}${keyId}`, 'utf8');
}
