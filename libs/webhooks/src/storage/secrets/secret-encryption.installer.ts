import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { installSecretCipher } from './endpoint-secret.transformer';
import { SecretCipher, SecretEncryptionConfigError } from './secret-cipher';

let warnedAboutPlaintext = false;

/**
 * Chooses how endpoint secrets are stored and installs that cipher on the endpoint columns
 * when the module is created, before anything reads an endpoint:
 * - with `secretEncryption.keys`: AES-256-GCM under the key ring;
 * - without, when `NODE_ENV` is `production`: the module refuses to start (or, when it is
 *   disabled by its feature flag, starts but refuses to store any secret);
 * - without, elsewhere: plaintext marked `plain:`, with one warning per process.
 */
@Injectable()
export class SecretEncryptionInstaller implements OnApplicationShutdown {
  private readonly release: () => void;

  constructor(@Inject(RESOLVED_WEBHOOKS_OPTIONS) options: ResolvedWebhooksOptions) {
    this.release = installSecretCipher(SecretEncryptionInstaller.cipherFor(options, process.env.NODE_ENV));
  }

  static cipherFor(options: Pick<ResolvedWebhooksOptions, 'secretEncryption' | 'enabled'>, nodeEnv: string | undefined): SecretCipher {
    if (options.secretEncryption) return SecretCipher.fromKeys(options.secretEncryption.keys);
    if (nodeEnv === 'production') {
      if (!options.enabled) return SecretCipher.refusingWrites();
      throw new SecretEncryptionConfigError(
        'WebhooksModule: the secretEncryption option is required when NODE_ENV is "production": endpoint secrets are ' +
          'encrypted at rest with AES-256-GCM. Give secretEncryption: { keys: [{ id: "k1", key: "<base64 of 32 random bytes>" }] }.',
      );
    }
    if (!warnedAboutPlaintext) {
      warnedAboutPlaintext = true;
      new Logger('Webhooks').warn(
        'secretEncryption is not configured: endpoint secrets are stored in plaintext (marked "plain:"). ' +
          'Configure secretEncryption.keys; it is required when NODE_ENV is "production".',
      );
    }
    return SecretCipher.plaintext();
  }

  // NOTE: released at shutdown, after the workers and the API have stopped, so that no write
  // in flight finds the columns without a cipher.
  onApplicationShutdown(): void {
    this.release();
  }
}
