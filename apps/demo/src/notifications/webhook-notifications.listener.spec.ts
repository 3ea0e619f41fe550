import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { WebhookNotificationsListener } from './webhook-notifications.listener';

// A Slack-style capability URL: whoever reads the path can post to the channel.
const CAPABILITY_URL = 'https://hooks.slack.test/services/T0001/B0001/Xx9SeCrEtPaTh';

/** Every line the demo logs, as text. */
const lines: string[] = [];
const capture: LoggerService = {
  log: (message: unknown) => lines.push(String(message)),
  warn: (message: unknown) => lines.push(String(message)),
  error: (message: unknown) => lines.push(String(message)),
};

describe('WebhookNotificationsListener', () => {
  beforeEach(() => {
    lines.length = 0;
    Logger.overrideLogger(capture);
  });

  afterEach(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });

  it('names endpoints in its log lines by id, scheme and host only', () => {
    const listener = new WebhookNotificationsListener();
    listener.endpointFailing({ endpointId: 'ep_1', tenantId: null, url: CAPABILITY_URL, consecutiveFailures: 3, failingSince: new Date() });
    listener.endpointDisabled({ endpointId: 'ep_1', tenantId: null, url: CAPABILITY_URL, reason: 'the endpoint answered 410 Gone' });
    expect(lines).toEqual([
      'endpoint ep_1 (https://hooks.slack.test) failed 3 times in a row',
      'endpoint ep_1 (https://hooks.slack.test) was disabled: the endpoint answered 410 Gone',
    ]);
  });
});
