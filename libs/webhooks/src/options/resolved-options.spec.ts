import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RETRY_SCHEDULE, resolveWebhooksOptions } from './resolved-options';

describe('resolveWebhooksOptions', () => {
  it('refuses a retry schedule that overflows: endpoints with an unusable schedule of their own fall back to it', () => {
    expect(() => resolveWebhooksOptions({ retry: { delaysMs: [0, 1e308] } })).toThrow(
      'WebhooksModule: retry delaysMs must be numbers of milliseconds from 0 to 604800000',
    );
  });

  it('takes the default schedule, and a usable one as given', () => {
    expect(resolveWebhooksOptions({}).retry).toBe(DEFAULT_RETRY_SCHEDULE);
    expect(resolveWebhooksOptions({ retry: { baseMs: 1000, maxAttempts: 5 } }).retry).toEqual({ baseMs: 1000, maxAttempts: 5 });
  });
});
