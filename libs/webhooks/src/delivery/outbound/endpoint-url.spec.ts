import { describe, expect, it } from '@jest/globals';
import { OutboundAddressPolicy } from './address-policy';
import {
  bareHostname,
  findEndpointUrlProblem,
  findUrlFormProblem,
  MAX_ENDPOINT_URL_LENGTH,
  urlForLogs,
  type HostResolver,
} from './endpoint-url';

describe('findUrlFormProblem', () => {
  it('accepts an https URL', () => {
    expect(findUrlFormProblem('https://hooks.example.com/webhooks?tenant=1', false)).toBeNull();
  });

  it('accepts a URL of exactly the maximum length', () => {
    const base = 'https://hooks.example.com/';
    const url = base + 'a'.repeat(MAX_ENDPOINT_URL_LENGTH - base.length);
    expect(url).toHaveLength(2048);
    expect(findUrlFormProblem(url, false)).toBeNull();
  });

  it('refuses a URL longer than 2048 characters', () => {
    const base = 'https://hooks.example.com/';
    const url = base + 'a'.repeat(MAX_ENDPOINT_URL_LENGTH - base.length + 1);
    expect(url).toHaveLength(2049);
    expect(findUrlFormProblem(url, false)).toBe('url must be at most 2048 characters');
  });

  it.each(['/webhooks', 'hooks.example.com/webhooks', '', 'https://', 'not a url'])(
    'refuses the non-absolute URL %p',
    (url) => {
      expect(findUrlFormProblem(url, false)).toBe('url must be an absolute URL');
    },
  );

  it.each(['ftp://files.example.com/hook', 'file:///etc/passwd', 'ws://hooks.example.com/', 'javascript:alert(1)'])(
    'refuses the scheme of %p',
    (url) => {
      expect(findUrlFormProblem(url, false)).toBe('url must use https');
      expect(findUrlFormProblem(url, true)).toBe('url must use https or http');
    },
  );

  it('refuses http unless allowHttp', () => {
    expect(findUrlFormProblem('http://hooks.example.com/', false)).toBe('url must use https');
    expect(findUrlFormProblem('http://hooks.example.com/', true)).toBeNull();
  });

  it('accepts https whether or not http is allowed', () => {
    expect(findUrlFormProblem('https://hooks.example.com/', true)).toBeNull();
  });

  it.each(['https://user:pass@hooks.example.com/', 'https://user@hooks.example.com/', 'https://:pass@hooks.example.com/'])(
    'refuses credentials in %p',
    (url) => {
      expect(findUrlFormProblem(url, false)).toBe('url must not contain credentials');
    },
  );
});

describe('bareHostname', () => {
  it('drops the brackets of an IPv6 literal', () => {
    expect(bareHostname(new URL('https://[::1]:8443/x'))).toBe('::1');
    expect(bareHostname(new URL('https://hooks.example.com/x'))).toBe('hooks.example.com');
  });
});

describe('findEndpointUrlProblem', () => {
  const policy = new OutboundAddressPolicy();

  /** A resolver answering from a fixed table, recording what it was asked. */
  function fakeResolver(table: Record<string, string[]>): HostResolver & { asked: string[] } {
    const asked: string[] = [];
    const resolve = async (hostname: string) => {
      asked.push(hostname);
      const addresses = table[hostname];
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses;
    };
    return Object.assign(resolve, { asked });
  }

  it('accepts a host that resolves to a public address', async () => {
    const resolve = fakeResolver({ 'hooks.example.com': ['93.184.216.34'] });
    await expect(
      findEndpointUrlProblem('https://hooks.example.com/in', { allowHttp: false, policy, resolve }),
    ).resolves.toBeNull();
    expect(resolve.asked).toEqual(['hooks.example.com']);
  });

  it('refuses a host that resolves to a private address', async () => {
    const resolve = fakeResolver({ 'internal.example.com': ['10.0.0.5'] });
    await expect(
      findEndpointUrlProblem('https://internal.example.com/in', { allowHttp: false, policy, resolve }),
    ).resolves.toBe('url must point to a public address: 10.0.0.5 is in a private range');
  });

  it('refuses a host when any one of its addresses is not public', async () => {
    const resolve = fakeResolver({ 'mixed.example.com': ['93.184.216.34', '2606:4700:4700::1111', '::1'] });
    await expect(
      findEndpointUrlProblem('https://mixed.example.com/', { allowHttp: false, policy, resolve }),
    ).resolves.toBe('url must point to a public address: ::1 is in a loopback range');
  });

  it('refuses a host that does not resolve', async () => {
    const resolve = fakeResolver({});
    await expect(
      findEndpointUrlProblem('https://nowhere.invalid/', { allowHttp: false, policy, resolve }),
    ).resolves.toBe('url host "nowhere.invalid" does not resolve');
  });

  it('reports a form problem before resolving', async () => {
    const resolve = fakeResolver({ 'hooks.example.com': ['93.184.216.34'] });
    await expect(
      findEndpointUrlProblem('http://hooks.example.com/', { allowHttp: false, policy, resolve }),
    ).resolves.toBe('url must use https');
    expect(resolve.asked).toEqual([]);
  });

  it('lets a resolved address of an allowed network through', async () => {
    const resolve = fakeResolver({ 'receiver.test': ['127.0.0.1'] });
    const loopbackAllowed = new OutboundAddressPolicy(['127.0.0.0/8']);
    await expect(
      findEndpointUrlProblem('http://receiver.test:4000/', { allowHttp: true, policy: loopbackAllowed, resolve }),
    ).resolves.toBeNull();
  });

  describe('IP literals are judged without resolving', () => {
    it.each<[string, string]>([
      ['https://[::1]/x', '::1 is in a loopback range'],
      ['https://[::ffff:127.0.0.1]/x', '127.0.0.1 is in a loopback range'],
      ['https://[fd00::5]/x', 'fd00::5 is in a uniqueLocal range'],
      ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is in a linkLocal range'],
      ['https://127.0.0.1:8443/', '127.0.0.1 is in a loopback range'],
      // WHATWG URL normalizes decimal, octal, hex and short IPv4 forms to dotted quads.
      ['http://2130706433/', '127.0.0.1 is in a loopback range'],
      ['http://0177.0.0.1/', '127.0.0.1 is in a loopback range'],
      ['http://0x7f.0.0.1/', '127.0.0.1 is in a loopback range'],
      ['http://0x7f000001/', '127.0.0.1 is in a loopback range'],
      ['http://127.1/', '127.0.0.1 is in a loopback range'],
      ['https://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254 is in a linkLocal range'],
    ])('refuses %s', async (url, reason) => {
      const resolve = fakeResolver({});
      await expect(findEndpointUrlProblem(url, { allowHttp: true, policy, resolve })).resolves.toBe(
        `url must point to a public address: ${reason}`,
      );
      expect(resolve.asked).toEqual([]);
    });

    it('accepts a public IP literal', async () => {
      const resolve = fakeResolver({});
      await expect(findEndpointUrlProblem('https://8.8.8.8/', { allowHttp: false, policy, resolve })).resolves.toBeNull();
      await expect(
        findEndpointUrlProblem('https://[2606:4700:4700::1111]/', { allowHttp: false, policy, resolve }),
      ).resolves.toBeNull();
      expect(resolve.asked).toEqual([]);
    });
  });
});

describe('urlForLogs', () => {
  it.each([
    ['https://hooks.slack.com/services/T000/B000/XXXXSECRET', 'https://hooks.slack.com'],
    ['http://127.0.0.1:4000/hook?token=abc#frag', 'http://127.0.0.1:4000'],
    ['https://user:pass@example.com/in', 'https://example.com'],
    ['http://[::1]:8080/x', 'http://[::1]:8080'],
    ['redis://:s3cret@cache.internal:6379/2', 'redis://cache.internal:6379'],
    ['not a url', '[invalid url]'],
  ])('reduces %s to %s', (url, expected) => {
    expect(urlForLogs(url)).toBe(expected);
  });
});
