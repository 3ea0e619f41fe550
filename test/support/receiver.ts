import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** How the receiver answers one request; return nothing to answer 200 "ok". */
export type ReceiverBehaviour = (request: ReceivedRequest, response: ServerResponse) => void | 'handled';

/**
 * A real HTTP receiver on loopback that records every request. Its answers are scripted per
 * request; waiting is on conditions (n requests arrived), never on time.
 */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripted: ReceiverBehaviour[] = [];
  private fallback: ReceiverBehaviour = () => undefined;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private server!: Server;
  url = '';

  static async start(): Promise<TestReceiver> {
    const receiver = new TestReceiver();
    await receiver.listen();
    return receiver;
  }

  /** Answers the next requests with these behaviours, in order, then with the fallback. */
  script(...behaviours: ReceiverBehaviour[]): this {
    this.scripted.push(...behaviours);
    return this;
  }

  otherwise(behaviour: ReceiverBehaviour): this {
    this.fallback = behaviour;
    return this;
  }

  /** Resolves once `count` requests have arrived in all; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
    if (this.requests.length >= count) return Promise.resolve(this.requests.slice(0, count));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`receiver got ${this.requests.length} requests, expected ${count}`)), timeoutMs);
      this.waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(this.requests.slice(0, count)); } });
    });
  }

  endpoint(path = '/hook'): string {
    return `${this.url}${path}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
        this.requests.push(request);
        const behaviour = this.scripted.shift() ?? this.fallback;
        if (behaviour(request, res) !== 'handled' && !res.headersSent) res.writeHead(200).end('ok');
        this.waiters = this.waiters.filter((waiter) => {
          if (this.requests.length < waiter.count) return true;
          waiter.resolve();
          return false;
        });
      });
    });
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        resolve();
      });
    });
  }
}

/** Answers with a status (and headers, body). */
export const respond =
  (status: number, headers: Record<string, string> = {}, body = ''): ReceiverBehaviour =>
  (_request, response) => {
    response.writeHead(status, headers).end(body);
    return 'handled';
  };

/** Never answers: the request hangs until the sender gives up. */
export const hang: ReceiverBehaviour = () => 'handled';
