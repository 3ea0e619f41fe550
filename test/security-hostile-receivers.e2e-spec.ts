import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointsService, WebhookAttempt, WebhookDelivery, WebhookEvent, WebhookPayloadTooLargeError, WebhooksService } from 'nestjs-webhooks';
import { postgresWithBull, type TestBackend } from './support/backends';
import { startFixtureApp } from './support/fixture-app';
import { waitFor } from './support/wait-for';

// Hostile receivers (SPEC §3, §6) on loopback, written with node:net so they can break HTTP.
// Each costs bounded memory and at most the request timeout. Time is asserted as a bound
// (timeout plus a generous margin), never as a speed.

const TIMEOUT_MS = 1_000;
/** Scheduling, database writes and a busy CI machine: generous on purpose. */
const MARGIN_MS = 1_500;
const MB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

type Behaviour = (socket: Socket, sent: { bytes: number }) => void;

/** A TCP server that reads the request head, then behaves as told; counts what it wrote. */
async function hostileServer(behaviour: Behaviour): Promise<{ server: Server; url: string; sent: { bytes: number } }> {
  const sent = { bytes: 0 };
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.resume();
      behaviour(socket, sent);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, sent };
}

/** Writes CHUNK again and again, honouring backpressure, until `limit` bytes or the socket closes. */
function pump(socket: Socket, sent: { bytes: number }, limit: number, frame: (chunk: Buffer) => Buffer | string = (chunk) => chunk): void {
  const next = () => {
    while (!socket.destroyed && sent.bytes < limit) {
      sent.bytes += CHUNK.length;
      if (!socket.write(frame(CHUNK))) return void socket.once('drain', next);
    }
  };
  next();
}

/** Writes one byte every `everyMs` until the socket closes. */
function drip(socket: Socket, sent: { bytes: number }, byte: string, everyMs: number): void {
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    sent.bytes += 1;
    socket.write(byte);
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('hostile receivers on PostgreSQL + Bull', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let endpoints: EndpointsService;
  let webhooks: WebhooksService;
  let dataSource: DataSource;
  let server: Server | undefined;
  let tenant = 0;
  let tenantId: string;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    // One attempt only: each test judges that attempt.
    app = await startFixtureApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { retry: { delaysMs: [0] } } });
    endpoints = app.get(EndpointsService);
    webhooks = app.get(WebhooksService);
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    server?.close();
    await app?.close();
    await backend?.drop();
  });

  beforeEach(() => {
    server?.close();
    server = undefined;
    tenantId = `hostile-${++tenant}`;
  });

  /** Delivers one event to the receiver and returns its single recorded attempt. */
  async function attemptAgainst(behaviour: Behaviour): Promise<{ attempt: WebhookAttempt; sent: { bytes: number }; elapsedMs: number }> {
    const hostile = await hostileServer(behaviour);
    server = hostile.server;
    await endpoints.create({ url: hostile.url, eventTypes: ['payment.verified'], tenantId, timeoutMs: TIMEOUT_MS });
    const started = Date.now();
    const { eventId } = await webhooks.publish('payment.verified', { n: 1 }, { tenantId });
    const delivery = await waitFor(
      async () => {
        const found = await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId: eventId! });
        return [DeliveryStatus.Succeeded, DeliveryStatus.Failed].includes(found.status) ? found : null;
      },
      { what: 'the attempt to finish' },
    );
    const elapsedMs = Date.now() - started;
    const [attempt] = await dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId: delivery.id } });
    return { attempt, sent: hostile.sent, elapsedMs };
  }

  function expectWithinTimeout(attempt: WebhookAttempt, elapsedMs: number): void {
    expect(attempt.durationMs).toBeLessThanOrEqual(TIMEOUT_MS + MARGIN_MS);
    expect(elapsedMs).toBeLessThanOrEqual(TIMEOUT_MS + 2 * MARGIN_MS);
  }

  it('reads 10 KB of a 1 GB body, drops the connection, and holds no more than a few MB', async () => {
    const before = process.memoryUsage();
    const { attempt, sent, elapsedMs } = await attemptAgainst((socket, sent) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${1024 * MB}\r\n\r\n`);
      pump(socket, sent, 1024 * MB);
    });
    const after = process.memoryUsage();
    expect(attempt.responseStatus).toBe(200);
    expect(attempt.responseBody).toHaveLength(10 * 1024);
    // What the receiver got to write before the connection dropped: socket buffers, not 1 GB.
    expect(sent.bytes).toBeLessThan(64 * MB);
    expect(after.rss - before.rss).toBeLessThan(200 * MB);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(100 * MB);
    expectWithinTimeout(attempt, elapsedMs);
  });

  it('reads 10 KB of an endless chunked body', async () => {
    const { attempt, sent, elapsedMs } = await attemptAgainst((socket, sent) => {
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n');
      pump(socket, sent, Number.MAX_SAFE_INTEGER, (chunk) => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    });
    expect(attempt.responseBody).toHaveLength(10 * 1024);
    expect(sent.bytes).toBeLessThan(64 * MB);
    expectWithinTimeout(attempt, elapsedMs);
  });

  it('gives up on a body dripping one byte every 100 ms at the deadline', async () => {
    const { attempt, elapsedMs } = await attemptAgainst((socket, sent) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n');
      drip(socket, sent, 'x', 100);
    });
    expect(attempt.responseStatus).toBeNull();
    expect(attempt.error).toBe(`timeout after ${TIMEOUT_MS} ms`);
    expect(attempt.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expectWithinTimeout(attempt, elapsedMs);
  });

  it('gives up on headers dripping one byte every 100 ms at the deadline', async () => {
    const { attempt, elapsedMs } = await attemptAgainst((socket, sent) => {
      socket.write('HTTP/1.1 200 OK\r\n');
      drip(socket, sent, 'a', 100);
    });
    expect(attempt.error).toBe(`timeout after ${TIMEOUT_MS} ms`);
    expectWithinTimeout(attempt, elapsedMs);
  });

  it('gives up on a receiver that accepts the connection and never answers', async () => {
    const { attempt, elapsedMs } = await attemptAgainst(() => undefined);
    expect(attempt.error).toBe(`timeout after ${TIMEOUT_MS} ms`);
    expectWithinTimeout(attempt, elapsedMs);
  });

  it('records an answer that is not HTTP as an error', async () => {
    const { attempt, elapsedMs } = await attemptAgainst((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\nthis is not http\r\n\r\n'));
    expect(attempt.responseStatus).toBeNull();
    expect(attempt.error).toMatch(/HPE_|parse|invalid|Expected HTTP/i);
    expect(attempt.durationMs).toBeLessThan(TIMEOUT_MS);
    expectWithinTimeout(attempt, elapsedMs);
  });

  it('records a connection closed in the middle of the body as an error', async () => {
    const { attempt, elapsedMs } = await attemptAgainst((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\npartial');
      setTimeout(() => socket.destroy(), 20);
    });
    expect(attempt.responseStatus).toBeNull();
    expect(attempt.error).toBeTruthy();
    expect(attempt.durationMs).toBeLessThan(TIMEOUT_MS);
    expectWithinTimeout(attempt, elapsedMs);
  });

  it('records a connection closed in the middle of the headers as an error', async () => {
    const { attempt } = await attemptAgainst((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-ty');
      setTimeout(() => socket.destroy(), 20);
    });
    expect(attempt.responseStatus).toBeNull();
    expect(attempt.error).toBeTruthy();
    expect(attempt.durationMs).toBeLessThan(TIMEOUT_MS);
  });

  it('refuses headers of several megabytes without reading them all', async () => {
    const before = process.memoryUsage();
    const { attempt, sent, elapsedMs } = await attemptAgainst((socket, sent) => {
      socket.write('HTTP/1.1 200 OK\r\nx-huge: ');
      pump(socket, sent, 512 * MB);
    });
    expect(attempt.responseStatus).toBeNull();
    expect(attempt.error).toMatch(/header/i);
    expect(sent.bytes).toBeLessThan(64 * MB);
    expect(process.memoryUsage().rss - before.rss).toBeLessThan(200 * MB);
    expectWithinTimeout(attempt, elapsedMs);
  });
});

describe('payload limit at publish', () => {
  let backend: TestBackend;
  let app: INestApplication;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    app = await startFixtureApp({ database: backend.database, withoutRedis: backend.withoutRedis });
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  it('refuses data over 256 KiB with a clear 413 error and stores nothing', async () => {
    const events = () => app.get(DataSource).getRepository(WebhookEvent).count();
    const before = await events();
    const publish = app.get(WebhooksService).publish('payment.verified', { blob: 'x'.repeat(300 * 1024) }, { tenantId: 'big' });
    await expect(publish).rejects.toThrow(WebhookPayloadTooLargeError);
    await expect(publish).rejects.toThrow(/more than the 262144 bytes allowed/);
    const error = (await publish.catch((caught: unknown) => caught)) as WebhookPayloadTooLargeError;
    expect(error.getStatus()).toBe(413);
    expect(await events()).toBe(before);
  });

  it('accepts data just under the limit', async () => {
    const { deliveryCount } = await app.get(WebhooksService).publish('payment.verified', { blob: 'x'.repeat(250 * 1024) }, { tenantId: 'big' });
    expect(deliveryCount).toBe(0);
  });
});
