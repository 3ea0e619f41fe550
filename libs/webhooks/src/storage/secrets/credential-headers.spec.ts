import { describe, expect, it } from '@jest/globals';
import { isCredentialHeader, REDACTED_HEADER_VALUE, redactCredentialHeaders, restoreRedactedValues } from './credential-headers';

describe('credential headers', () => {
  it.each(['Authorization', 'proxy-authorization', 'Cookie', 'X-Auth-Token', 'x-api-key', 'X-Client-Secret', 'x-signature-key', 'X-Password'])('count %s as a credential', (name) => {
    expect(isCredentialHeader(name)).toBe(true);
  });

  it.each(['X-Team', 'Accept-Language', 'X-Customer-Id', 'X-Tenant'])('leave %s alone', (name) => {
    expect(isCredentialHeader(name)).toBe(false);
  });

  it('redact the values of credential headers only, keeping names and order', () => {
    expect(Object.entries(redactCredentialHeaders({ 'X-Team': 'billing', Authorization: 'Bearer t', 'X-Api-Key': 'k' }))).toEqual([
      ['X-Team', 'billing'],
      ['Authorization', REDACTED_HEADER_VALUE],
      ['X-Api-Key', REDACTED_HEADER_VALUE],
    ]);
  });

  describe('restoreRedactedValues', () => {
    const stored = { Authorization: 'Bearer t', 'X-Team': 'billing' };

    it('keeps the stored value of a credential header sent back redacted, whatever the case of its name', () => {
      expect(restoreRedactedValues({ authorization: REDACTED_HEADER_VALUE, 'X-Team': 'ops' }, stored)).toEqual({ authorization: 'Bearer t', 'X-Team': 'ops' });
    });

    it('takes new values, and the redacted text itself where nothing was stored or the header is no credential', () => {
      expect(restoreRedactedValues({ Authorization: 'Bearer new' }, stored)).toEqual({ Authorization: 'Bearer new' });
      expect(restoreRedactedValues({ Cookie: REDACTED_HEADER_VALUE }, stored)).toEqual({ Cookie: REDACTED_HEADER_VALUE });
      expect(restoreRedactedValues({ 'X-Team': REDACTED_HEADER_VALUE }, stored)).toEqual({ 'X-Team': REDACTED_HEADER_VALUE });
      expect(restoreRedactedValues({ Authorization: REDACTED_HEADER_VALUE }, null)).toEqual({ Authorization: REDACTED_HEADER_VALUE });
    });
  });
});
