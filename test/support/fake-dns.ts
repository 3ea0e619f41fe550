import type { HostResolver } from 'nestjs-webhooks';

/**
 * A DNS that answers from a table the test changes at will, and records what it was asked.
 * Tests resolve every hostname through it, so no query leaves the machine.
 */
export class FakeDns {
  private readonly table = new Map<string, string[]>();
  readonly asked: string[] = [];

  readonly resolve: HostResolver = async (hostname) => {
    this.asked.push(hostname);
    const addresses = this.table.get(hostname.toLowerCase());
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };

  answer(hostname: string, ...addresses: string[]): this {
    this.table.set(hostname.toLowerCase(), addresses);
    return this;
  }
}
