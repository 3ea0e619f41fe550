import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import type { WebhookEndpoint } from 'nestjs-webhooks';
import type { DemoConfig } from '../config/demo-config';
import { ReceiverSecrets } from '../receiver/receiver-secrets.store';
import { DemoEndpointsRegistrar } from './demo-endpoints.registrar';

// A Slack-style capability URL: whoever reads the path can post to the channel.
const CAPABILITY_URL = 'https://hooks.slack.test/services/T0001/B0001/Xx9SeCrEtPaTh';

/** Every line the demo logs, as text. */
const lines: string[] = [];
const capture: LoggerService = {
  log: (message: unknown) => lines.push(String(message)),
  warn: (message: unknown) => lines.push(String(message)),
  error: (message: unknown) => lines.push(String(message)),
};

describe('DemoEndpointsRegistrar', () => {
  beforeEach(() => {
    lines.length = 0;
    Logger.overrideLogger(capture);
  });

  afterEach(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });

  it('names the endpoints it registers by scheme and host only', async () => {
    const endpoint = { id: 'ep_2', status: 'active', secret: 'whsec_x' } as WebhookEndpoint;
    const endpoints = { ensure: async () => ({ endpoint, outcome: 'created' as const }) };
    const config = { role: 'all', endpointSecret: 'whsec_x' } as DemoConfig;
    const registrar = new DemoEndpointsRegistrar(config, endpoints as never, { enabled: true } as never, new ReceiverSecrets(config));
    await registrar.register([CAPABILITY_URL]);
    expect(lines).toEqual(['https://hooks.slack.test (endpoint ep_2): registered for every event type']);
  });
});
