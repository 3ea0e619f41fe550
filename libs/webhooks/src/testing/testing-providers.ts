import type { Provider } from '@nestjs/common';
import { WebhookHttpClient } from '../delivery/http/webhook-http.client';
import { resolveWebhooksOptions } from '../options/resolved-options';
import type { WebhooksModuleOptions } from '../options/webhooks-options.interface';
import { WEBHOOKS_MODULE_OPTIONS } from '../options/webhooks.module-definition';
import { PublishBuffer } from '../publishing/publish-buffer';
import { TestingClockStore } from '../storage/testing-clock.store';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import { RecordingTransport } from './recording-transport';
import { SettlingPublishBuffer } from './settling-publish-buffer';
import { optionsForTesting } from './testing-options';
import { WebhooksTesting } from './webhooks-testing.service';

/** The providers of `WebhooksModule` the kit replaces, and what replaces each. */
const REPLACEMENTS = new Map<unknown, Provider[]>([
  [
    RESOLVED_WEBHOOKS_OPTIONS,
    [{ provide: RESOLVED_WEBHOOKS_OPTIONS, inject: [WEBHOOKS_MODULE_OPTIONS], useFactory: (options: WebhooksModuleOptions) => resolveWebhooksOptions(optionsForTesting(options)) }],
  ],
  [WebhookHttpClient, [RecordingTransport, { provide: WebhookHttpClient, useExisting: RecordingTransport }]],
  [PublishBuffer, [SettlingPublishBuffer, { provide: PublishBuffer, useExisting: SettlingPublishBuffer }]],
]);

function tokenOf(provider: Provider): unknown {
  return typeof provider === 'function' ? provider : provider.provide;
}

function nameOf(token: unknown): string {
  return typeof token === 'function' ? token.name : String(token);
}

/**
 * `WebhooksModule`'s providers with the kit's in place of the HTTP client, the publish buffer
 * and the resolved options, plus the kit's own. Throws when one to replace is not there: a
 * kit that silently kept the real HTTP client would send real requests from the host's tests.
 */
export function withTestingProviders(providers: readonly Provider[]): Provider[] {
  const missing = [...REPLACEMENTS.keys()].filter((token) => !providers.some((provider) => tokenOf(provider) === token));
  if (missing.length > 0) throw new Error(`WebhooksTestingModule: WebhooksModule no longer provides ${missing.map(nameOf).join(', ')}`);
  return [...providers.flatMap((provider) => REPLACEMENTS.get(tokenOf(provider)) ?? [provider]), TestingClockStore, WebhooksTesting];
}
