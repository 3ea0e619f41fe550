import type { ValueTransformer } from 'typeorm';
import type { PreviousSecret } from '../entities/endpoint.entity';
import type { SecretCipher } from './secret-cipher';
import { mapCredentialValues } from './credential-headers';

// NOTE: the one process-wide state of the library, kept on purpose. TypeORM builds column
// transformers from the entity's decorators, once per process, and calls them with the value
// only, with no way to reach the module (or the DataSource) a row belongs to. The module
// installs its cipher here when it starts; every WebhooksModule alive in the process must
// therefore use the same keys, and one with other keys is refused at start (two apps in one
// process: test/two-apps.e2e-spec.ts).
let installed: { cipher: SecretCipher; holders: number } | null = null;

/**
 * Makes `cipher` the one the endpoint columns use until the returned release function has
 * been called by every holder. Throws when another module holds a cipher with other keys.
 */
export function installSecretCipher(cipher: SecretCipher): () => void {
  if (installed && !installed.cipher.sameAs(cipher)) {
    throw new Error(
      'WebhooksModule: another WebhooksModule in this process uses different secretEncryption settings; ' +
        'endpoint secrets are encrypted with one key ring per process',
    );
  }
  installed = installed ? { cipher: installed.cipher, holders: installed.holders + 1 } : { cipher, holders: 1 };
  let released = false;
  return () => {
    if (released || !installed) return;
    released = true;
    installed = installed.holders > 1 ? { cipher: installed.cipher, holders: installed.holders - 1 } : null;
  };
}

/** The cipher in use, or null when no WebhooksModule is running. */
export function installedSecretCipher(): SecretCipher | null {
  return installed?.cipher ?? null;
}

// Without a running module (a script reading the entities directly) values pass unchanged:
// a sealed value then cannot sign (it is not base64), so nothing is sent with it by mistake.
const seal = (secret: string): string => installed?.cipher.seal(secret) ?? secret;
const open = (stored: string): string => installed?.cipher.open(stored) ?? stored;

/** `WebhookEndpoint.secret`: sealed on write, opened on read; the rest of the code sees plain secrets. */
export const endpointSecretTransformer: ValueTransformer = {
  to: (value: unknown) => (typeof value === 'string' ? seal(value) : value),
  from: (value: unknown) => (typeof value === 'string' ? open(value) : value),
};

/** `WebhookEndpoint.previousSecrets`: each entry's secret sealed and opened, the entries copied. */
export const previousSecretsTransformer: ValueTransformer = {
  to: (value: unknown) => mapSecrets(value, seal),
  from: (value: unknown) => mapSecrets(value, open),
};

/**
 * `WebhookEndpoint.headers`: the values of credential headers (`isCredentialHeader`) sealed
 * and opened like the secrets, the others stored as they are. Rows written before headers
 * were sealed hold plaintext values: opening returns those unchanged.
 */
export const customHeadersTransformer: ValueTransformer = {
  to: (value: unknown) => mapHeaderValues(value, seal),
  from: (value: unknown) => mapHeaderValues(value, open),
};

function mapHeaderValues(value: unknown, convert: (secret: string) => string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return mapCredentialValues(value as Record<string, string>, convert);
}

function mapSecrets(value: unknown, convert: (secret: string) => string): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((entry: PreviousSecret) =>
    entry && typeof entry === 'object' && typeof entry.secret === 'string' ? { ...entry, secret: convert(entry.secret) } : entry,
  );
}
