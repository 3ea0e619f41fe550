/** One key of the secret encryption key ring. */
export interface SecretEncryptionKey {
  /** Stored next to every value it encrypts: 1 to 32 letters, digits, `_` or `-`. */
  id: string;
  /** base64 of 32 random bytes, e.g. from `openssl rand -base64 32`. */
  key: string;
}

/** Encryption at rest of endpoint secrets (AES-256-GCM). */
export interface SecretEncryptionOptions {
  /**
   * The key ring. The first key encrypts every secret written from now on; every key listed
   * decrypts. To rotate: put a new key first and keep the old ones until no row uses them.
   */
  keys: SecretEncryptionKey[];
}
