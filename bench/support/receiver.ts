import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

interface CountWaiter {
  count: number;
  resolve: (at: number | null) => void;
  timer: NodeJS.Timeout;
}

/**
 * The receiving side of every scenario: Node `http` servers on loopback. An answering origin
 * replies 200 at once; a silent origin reads the request and never answers. A receipt is
 * counted once per `webhook-id` + `x-webhook-delivery`, with the time it first arrived
 * (`performance.now()` of this process, the clock the publisher uses too).
 */
export class BenchReceiver {
  /** First arrival of each request key, answered origins only. */
  readonly receipts = new Map<string, number>();
  /** First arrival per `webhook-id` (the event id), answered origins only. */
  readonly firstByEvent = new Map<string, number>();
  duplicates = 0;
  /** Requests that reached a silent origin. */
  unanswered = 0;
  lastReceiptAt = 0;
  private readonly servers: Server[] = [];
  private waiters: CountWaiter[] = [];

  /** Starts an origin; returns its base URL. */
  async listen(answer: 'answer' | 'silent' = 'answer'): Promise<string> {
    const server = createServer(answer === 'answer' ? (req, res) => this.answer(req, res) : (req) => this.ignore(req));
    server.keepAliveTimeout = 60_000;
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  get count(): number {
    return this.receipts.size;
  }

  /** Resolves with the time the `count`-th receipt arrived, or null once `timeoutMs` passed. */
  waitFor(count: number, timeoutMs: number): Promise<number | null> {
    if (this.count >= count) return Promise.resolve(this.lastReceiptAt);
    return new Promise((resolve) => {
      const waiter: CountWaiter = {
        count,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(null);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
    this.waiters = [];
    await Promise.all(
      this.servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const at = performance.now();
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
    const eventId = String(req.headers['webhook-id']);
    const key = `${eventId}|${String(req.headers['x-webhook-delivery'])}`;
    if (this.receipts.has(key)) {
      this.duplicates++;
      return;
    }
    this.receipts.set(key, at);
    if (!this.firstByEvent.has(eventId)) this.firstByEvent.set(eventId, at);
    this.lastReceiptAt = at;
    if (this.waiters.length > 0) this.settleWaiters(at);
  }

  private ignore(req: IncomingMessage): void {
    this.unanswered++;
    req.resume();
  }

  private settleWaiters(at: number): void {
    this.waiters = this.waiters.filter((waiter) => {
      if (this.count < waiter.count) return true;
      clearTimeout(waiter.timer);
      waiter.resolve(at);
      return false;
    });
  }
}
