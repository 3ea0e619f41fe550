import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from '@jest/globals';
import { OutboundAddressPolicy } from './address-policy';
import { guardedLookup, OutboundAddressRefusedError } from './guarded-lookup';
import type { HostResolver } from '../../common/host-resolver';

type Answer = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function lookupWith(resolve: HostResolver, options: { all?: boolean; family?: number } = {}, policy = new OutboundAddressPolicy()): Promise<Answer> {
  return new Promise((done) => guardedLookup(policy, resolve)('hooks.example.test', options, (error, address, family) => done({ error, address, family })));
}

const answering = (...addresses: string[]): HostResolver => async () => addresses;

describe('guardedLookup', () => {
  it('passes a public address through, with its family', async () => {
    expect(await lookupWith(answering('93.184.216.34'))).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    expect(await lookupWith(answering('2606:4700:4700::1111'))).toEqual({ error: null, address: '2606:4700:4700::1111', family: 6 });
  });

  it.each(['127.0.0.1', '10.0.0.7', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', '::ffff:127.0.0.1', '64:ff9b::a9fe:a9fe', '0.0.0.0'])(
    'refuses a host resolving only to %s',
    async (address) => {
      const { error } = await lookupWith(answering(address));
      expect(error).toBeInstanceOf(OutboundAddressRefusedError);
      expect(error?.code).toBe('EWEBHOOKREFUSED');
      expect(error?.message).toMatch(/^refused to connect to hooks\.example\.test: /);
    },
  );

  it('keeps only the allowed addresses of a mixed answer', async () => {
    const answer = await lookupWith(answering('10.0.0.1', '93.184.216.34', '::1', '2606:4700:4700::1111'), { all: true });
    expect(answer.error).toBeNull();
    expect(answer.address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ]);
  });

  it('honours the family asked for', async () => {
    const answer = await lookupWith(answering('93.184.216.34', '2606:4700:4700::1111'), { family: 6 });
    expect(answer).toEqual({ error: null, address: '2606:4700:4700::1111', family: 6 });
  });

  it('refuses an empty answer and an answer that is not an address', async () => {
    expect((await lookupWith(answering())).error?.message).toBe('refused to connect to hooks.example.test: no address');
    expect((await lookupWith(answering('example.org'))).error?.message).toBe('refused to connect to hooks.example.test: "example.org" is not an IP address');
  });

  it('passes resolution errors on', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.test'), { code: 'ENOTFOUND' });
    const { error } = await lookupWith(async () => Promise.reject(failure));
    expect(error).toBe(failure);
  });

  it('lets the allowed networks through', async () => {
    const loopback = new OutboundAddressPolicy(['127.0.0.0/8']);
    expect(await lookupWith(answering('127.0.0.1'), {}, loopback)).toEqual({ error: null, address: '127.0.0.1', family: 4 });
  });
});
