import { describe, expect, it } from '@jest/globals';
import type { Provider } from '@nestjs/common';
import { WebhookHttpClient } from '../delivery/http/webhook-http.client';
import { PublishBuffer } from '../publishing/publish-buffer';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import { RecordingTransport } from './recording-transport';
import { SettlingPublishBuffer } from './settling-publish-buffer';
import { withTestingProviders } from './testing-providers';
import { WebhooksTesting } from './webhooks-testing.service';

class HostService {}
const resolvedOptions: Provider = { provide: RESOLVED_WEBHOOKS_OPTIONS, useValue: {} };

describe('withTestingProviders', () => {
  it('puts the recording transport and the settling buffer in place of the HTTP client and the buffer', () => {
    const providers = withTestingProviders([resolvedOptions, WebhookHttpClient, PublishBuffer, HostService]);
    expect(providers).toEqual(
      expect.arrayContaining([
        { provide: WebhookHttpClient, useExisting: RecordingTransport },
        { provide: PublishBuffer, useExisting: SettlingPublishBuffer },
        HostService,
        WebhooksTesting,
      ]),
    );
    expect(providers).not.toContain(WebhookHttpClient);
    expect(providers).not.toContain(resolvedOptions);
  });

  it('refuses a WebhooksModule that no longer has the HTTP client it replaces', () => {
    expect(() => withTestingProviders([resolvedOptions, PublishBuffer])).toThrow('WebhooksTestingModule: WebhooksModule no longer provides WebhookHttpClient');
  });
});
