import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BadRequestException, type INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointsService, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhooksService } from 'nestjs-webhooks';
import { postgresWithBull, type TestBackend } from './support/backends';
import { FakeDns } from './support/fake-dns';
import { startFixtureApp } from './support/fixture-app';
import { TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// SSRF (SPEC §6). Only 127.0.0.2 is allowed; every hostname resolves through a fake DNS, so
// nothing leaves the machine. The receiver that must NOT be reached listens on 127.0.0.1: a
// request there would prove the guard failed. Public addresses appear only in DNS answers at
// creation time, where nothing connects.

const PUBLIC_ADDRESS = '93.184.216.34';

/** An HTTP server on 127.0.0.2, the one network the app may reach. */
async function allowedReceiver(): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '/');
    request.resume();
    request.on('end', () => response.writeHead(200).end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

describe('SSRF protection on PostgreSQL + Bull', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let endpoints: EndpointsService;
  let webhooks: WebhooksService;
  let dataSource: DataSource;
  let forbidden: TestReceiver;
  let allowed: Awaited<ReturnType<typeof allowedReceiver>>;
  const dns = new FakeDns();
  let tenant = 0;
  let tenantId: string;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    app = await startFixtureApp({
      database: backend.database,
      withoutRedis: backend.withoutRedis,
      webhooks: { outbound: { allowHttp: true, allowedNetworks: ['127.0.0.2/32'], resolveHost: dns.resolve }, retry: { delaysMs: [0, 20] } },
    });
    endpoints = app.get(EndpointsService);
    webhooks = app.get(WebhooksService);
    dataSource = app.get(DataSource);
    forbidden = await TestReceiver.start();
    allowed = await allowedReceiver();
  });

  afterAll(async () => {
    await app?.close();
    await forbidden?.close();
    allowed?.server.close();
    await backend?.drop();
  });

  beforeEach(() => {
    tenantId = `ssrf-${++tenant}`;
  });

  const endpointCount = () => dataSource.getRepository(WebhookEndpoint).count();
  const attemptsOf = async (eventId: string) => {
    const delivery = await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId });
    return dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId: delivery.id }, order: { number: 'ASC' } });
  };
  const settled = (eventId: string, status: DeliveryStatus) =>
    waitFor(async () => (await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId })).status === status, {
      what: `the delivery to be ${status}`,
    });
  const failed = (eventId: string) => settled(eventId, DeliveryStatus.Failed);

  describe('at creation', () => {
    const refused: Array<[string, string]> = [
      ['http://127.0.0.1/hook', 'loopback'],
      ['http://127.255.0.1/hook', 'loopback, not only .1'],
      ['http://2130706433/hook', 'loopback as a decimal integer'],
      ['http://0x7f000001/hook', 'loopback in hex'],
      ['http://0177.0.0.1/hook', 'loopback in octal'],
      ['http://127.1/hook', 'loopback, short form'],
      ['http://[::1]/hook', 'IPv6 loopback'],
      ['http://10.1.2.3/hook', 'private 10/8'],
      ['http://172.16.0.1/hook', 'private 172.16/12'],
      ['http://192.168.0.1/hook', 'private 192.168/16'],
      ['http://169.254.169.254/latest/meta-data/', 'cloud metadata (link-local)'],
      ['http://100.64.0.1/hook', 'carrier-grade NAT'],
      ['http://0.0.0.0/hook', 'unspecified'],
      ['http://224.0.0.1/hook', 'multicast'],
      ['http://255.255.255.255/hook', 'broadcast'],
      ['http://240.0.0.1/hook', 'reserved'],
      ['http://192.0.2.10/hook', 'documentation'],
      ['http://198.18.0.1/hook', 'benchmarking'],
      ['http://[fd00:ec2::254]/hook', 'IPv6 unique local (AWS metadata)'],
      ['http://[fe80::1]/hook', 'IPv6 link-local'],
      ['http://[ff02::1]/hook', 'IPv6 multicast'],
      ['http://[::]/hook', 'IPv6 unspecified'],
      ['http://[::ffff:127.0.0.1]/hook', 'IPv4-mapped loopback'],
      ['http://[::ffff:a9fe:a9fe]/hook', 'IPv4-mapped metadata, hex'],
      ['http://[::7f00:1]/hook', 'IPv4-compatible loopback'],
      ['http://[2002:a9fe:a9fe::1]/hook', '6to4 of the metadata address'],
      ['http://[64:ff9b::a00:1]/hook', 'NAT64 of 10.0.0.1'],
      ['http://[64:ff9b:1::a00:1]/hook', 'local-use NAT64'],
      ['http://metadata.internal.test/hook', 'a hostname resolving to the metadata address'],
      ['http://mixed.internal.test/hook', 'a hostname with one public and one private address'],
      ['http://v6only.internal.test/hook', 'a hostname resolving to an IPv4-mapped private address'],
    ];

    beforeAll(() => {
      dns.answer('metadata.internal.test', '169.254.169.254');
      dns.answer('mixed.internal.test', PUBLIC_ADDRESS, '10.0.0.8');
      dns.answer('v6only.internal.test', '::ffff:192.168.1.1');
    });

    it.each(refused)('answers 400 for %s (%s) and stores nothing', async (url) => {
      const before = await endpointCount();
      const error = await endpoints.create({ url, eventTypes: ['payment.verified'], tenantId }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(BadRequestException);
      expect((error as BadRequestException).getStatus()).toBe(400);
      expect((error as BadRequestException).message).toMatch(/^url must point to a public address: /);
      expect(await endpointCount()).toBe(before);
    });

    it('answers 400 for a hostname that does not resolve', async () => {
      await expect(endpoints.create({ url: 'http://nowhere.test/hook', eventTypes: ['payment.verified'], tenantId })).rejects.toThrow(
        'url host "nowhere.test" does not resolve',
      );
    });

    it('refuses to move an existing endpoint to a private address', async () => {
      dns.answer('public.test', PUBLIC_ADDRESS);
      const endpoint = await endpoints.create({ url: 'http://public.test/hook', eventTypes: ['payment.verified'], tenantId });
      await expect(endpoints.update(endpoint.id, { url: 'http://169.254.169.254/' }, { tenantId })).rejects.toThrow(BadRequestException);
      expect((await endpoints.get(endpoint.id, { tenantId })).url).toBe('http://public.test/hook');
    });
  });

  describe('at send time', () => {
    it('delivers through the injected resolver to an allowed network (the control)', async () => {
      dns.answer('allowed.test', '127.0.0.2');
      await endpoints.create({ url: `http://allowed.test:${allowed.port}/control`, eventTypes: ['payment.verified'], tenantId });
      const { eventId } = await webhooks.publish('payment.verified', { n: 1 }, { tenantId });
      await settled(eventId!, DeliveryStatus.Succeeded);
      expect(allowed.hits).toContain('/control');
      const [attempt] = await attemptsOf(eventId!);
      expect(attempt.responseStatus).toBe(200);
    });

    it('refuses a hostname that resolved to a public address at creation and to loopback at send (DNS rebinding)', async () => {
      dns.answer('rebind.test', PUBLIC_ADDRESS);
      await endpoints.create({ url: `http://rebind.test:${new URL(forbidden.url).port}/rebound`, eventTypes: ['payment.verified'], tenantId });
      dns.answer('rebind.test', '127.0.0.1');

      const { eventId } = await webhooks.publish('payment.verified', { n: 2 }, { tenantId });
      await failed(eventId!);
      const attempts = await attemptsOf(eventId!);
      expect(attempts).toHaveLength(2);
      for (const attempt of attempts) {
        expect(attempt.responseStatus).toBeNull();
        expect(attempt.error).toContain('refused to connect to rebind.test: 127.0.0.1 is in a loopback range');
      }
      const delivery = await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId: eventId! });
      expect(delivery.lastError).toContain('refused to connect to rebind.test');
      expect(forbidden.requests).toHaveLength(0);
    });

    it.each([
      ['169.254.169.254', '169.254.169.254 is in a linkLocal range'],
      ['10.0.0.1', '10.0.0.1 is in a private range'],
      ['::ffff:127.0.0.1', '127.0.0.1 is in a loopback range'],
      ['fd00::1', 'fd00::1 is in a uniqueLocal range'],
    ])('refuses a rebinding to %s before connecting', async (address, reason) => {
      const host = `rebind-${tenant}.test`;
      dns.answer(host, PUBLIC_ADDRESS);
      await endpoints.create({ url: `http://${host}/hook`, eventTypes: ['payment.verified'], tenantId });
      dns.answer(host, address);
      const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
      await failed(eventId!);
      expect((await attemptsOf(eventId!)).map((attempt) => attempt.error)).toEqual([
        expect.stringContaining(`refused to connect to ${host}: ${reason}`),
        expect.stringContaining(`refused to connect to ${host}: ${reason}`),
      ]);
    });

    it('refuses a stored IP literal outside the allowed networks (a row written past the creation check)', async () => {
      const endpoint = await endpoints.create({ url: `http://127.0.0.2:${allowed.port}/ok`, eventTypes: ['payment.verified'], tenantId });
      await dataSource.getRepository(WebhookEndpoint).update(endpoint.id, { url: `http://[::ffff:127.0.0.1]:${new URL(forbidden.url).port}/literal` });
      const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
      await failed(eventId!);
      const [attempt] = await attemptsOf(eventId!);
      expect(attempt.error).toBe('refused to connect to ::ffff:7f00:1: 127.0.0.1 is in a loopback range');
      expect(forbidden.requests).toHaveLength(0);
    });

    it('does not follow a redirect to the metadata address', async () => {
      const redirecting = createServer((request, response) => {
        request.resume();
        response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      });
      await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.2', resolve));
      try {
        await endpoints.create({ url: `http://127.0.0.2:${(redirecting.address() as AddressInfo).port}/r`, eventTypes: ['payment.verified'], tenantId });
        const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
        await failed(eventId!);
        expect((await attemptsOf(eventId!)).map((attempt) => attempt.responseStatus)).toEqual([302, 302]);
      } finally {
        redirecting.close();
      }
    });
  });
});
