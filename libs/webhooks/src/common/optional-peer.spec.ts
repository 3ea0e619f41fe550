import { describe, expect, it } from '@jest/globals';
import { loadOptionalPeer, loadPeerIfInstalled, MissingPeerDependencyError } from './optional-peer';

describe('optional peers', () => {
  it('loads an installed package (the host’s copy)', async () => {
    const ipaddr = await loadOptionalPeer<{ isValid(address: string): boolean }>('ipaddr.js', 'a test');
    expect(ipaddr.isValid('127.0.0.1')).toBe(true);
  });

  it('answers undefined for a package that is not installed, when the feature can do without', async () => {
    await expect(loadPeerIfInstalled('nestjs-webhooks-no-such-package')).resolves.toBeUndefined();
  });

  it('names the package to install when a feature needs one that is missing', async () => {
    const loading = loadOptionalPeer('nestjs-webhooks-no-such-package', 'The `redis` option');
    await expect(loading).rejects.toBeInstanceOf(MissingPeerDependencyError);
    await expect(loading).rejects.toThrow(
      'nestjs-webhooks: The `redis` option needs nestjs-webhooks-no-such-package. Install it: npm install nestjs-webhooks-no-such-package',
    );
  });
});
