import type { WebhooksModuleOptions } from 'nestjs-webhooks';
import { EndpointsService } from 'nestjs-webhooks';
import { startFixtureApp } from './fixture-app';
import { freePort, OwnPostgres, OwnRedis } from './own-services';
import { WebhooksProcess } from './processes';
import { TestReceiver } from './receiver';
import { uniqueName } from './services';
import { waitFor } from './wait-for';

/** What the receiver saw: each order number delivered, how often, and who sent it when. */
export class OrderLedger {
  readonly arrivals = new Map<number, Array<{ by: string; at: number }>>();
  /** Requests being answered now (the receiver holds each one a little), by sender. */
  readonly inFlight = new Map<string, Set<number>>();
  total = 0;
  /** Requests that arrived while another sender's request for the same order was being answered. */
  overlaps = 0;

  record(n: number, by: string, at: number): void {
    this.total += 1;
    const list = this.arrivals.get(n) ?? [];
    list.push({ by, at });
    this.arrivals.set(n, list);
  }

  get duplicates(): number {
    return this.total - this.arrivals.size;
  }

  missing(accepted: Iterable<number>): number[] {
    return [...accepted].filter((n) => !this.arrivals.has(n));
  }
}

export interface ChaosFigures {
  published: number;
  delivered: number;
  duplicates: number;
  lost: number;
  /** From the end of the fault to the last accepted event delivered, in ms. */
  recoveryMs: number;
}

/**
 * A deployment of its own for fault tests: PostgreSQL and Redis of the test's own, an API
 * process with a decorated async route, worker processes (each sends with its own User-Agent,
 * so the receiver knows who sent what), and a receiver on loopback keeping a ledger.
 */
export class ChaosRig {
  readonly ledger = new OrderLedger();
  readonly accepted = new Set<number>();
  api?: WebhooksProcess;
  readonly workers = new Map<string, WebhooksProcess>();
  private apiPort = 0;
  private next = 0;
  private readonly tenantId = uniqueName('chaos');
  private readonly queuePrefix = uniqueName('chaos');

  private constructor(
    readonly postgres: OwnPostgres,
    private readonly ownRedis: OwnRedis | null,
    readonly receiver: TestReceiver,
    private readonly holdMs: number,
  ) {}

  /** With `withoutRedis`, every process dispatches embedded, on PostgreSQL alone. */
  static async start(options: { holdMs?: number; withoutRedis?: boolean } = {}): Promise<ChaosRig> {
    const [postgres, redis, receiver] = await Promise.all([OwnPostgres.start(), options.withoutRedis ? null : OwnRedis.start(), TestReceiver.start()]);
    const rig = new ChaosRig(postgres, redis, receiver, options.holdMs ?? 20);
    receiver.otherwise((request, response) => {
      const n = (JSON.parse(request.body) as { data: { n: number } }).data.n;
      const by = String(request.headers['user-agent']);
      rig.ledger.record(n, by, Date.now());
      for (const [sender, numbers] of rig.ledger.inFlight) if (sender !== by && numbers.has(n)) rig.ledger.overlaps += 1;
      const inFlight = rig.ledger.inFlight.get(by) ?? new Set<number>();
      rig.ledger.inFlight.set(by, inFlight.add(n));
      setTimeout(() => {
        inFlight.delete(n);
        response.writeHead(200).end('ok');
      }, rig.holdMs);
      return 'handled';
    });
    await rig.registerEndpoint();
    return rig;
  }

  get redis(): OwnRedis {
    if (!this.ownRedis) throw new Error('this rig runs without Redis');
    return this.ownRedis;
  }

  options(overrides: WebhooksModuleOptions = {}): WebhooksModuleOptions {
    return {
      redis: this.ownRedis?.url,
      pollIntervalMs: 200,
      queuePrefix: this.queuePrefix,
      runMigrations: true,
      outbound: { allowHttp: true, allowedNetworks: ['127.0.0.0/8'] },
      eventTypes: ['invoice.created'],
      retry: { delaysMs: [0, 200, 500, 1_000, 2_000, 3_000, 3_000, 3_000, 3_000, 3_000, 3_000, 3_000] },
      retryJitter: 0,
      timeoutMs: 2_000,
      enqueueTimeoutMs: 300,
      reconcileIntervalMs: 1_000,
      reconcileGraceMs: 2_000,
      circuitBreaker: false,
      ...overrides,
    };
  }

  async startApi(): Promise<void> {
    this.apiPort ||= await freePort();
    this.api = WebhooksProcess.start({ mode: 'api', port: this.apiPort, databaseUrl: this.postgres.url, typeormMigrationsRun: false, tenantId: this.tenantId, webhooks: this.options({ worker: false }) });
    await this.api.waitForLine('ready', 60_000);
  }

  async startWorker(name: string, overrides: WebhooksModuleOptions = {}): Promise<WebhooksProcess> {
    const worker = WebhooksProcess.start({ mode: 'worker', databaseUrl: this.postgres.url, typeormMigrationsRun: false, webhooks: this.options({ userAgent: name, ...overrides }) });
    this.workers.set(name, worker);
    await worker.waitForLine('ready', 60_000);
    return worker;
  }

  /**
   * Places orders at `perSecond` for `durationMs`, running `faults` meanwhile; an order answered
   * 200 is accepted. Resolves when both are over; returns when the last fault ended.
   */
  async load(perSecond: number, durationMs: number, faults: () => Promise<void>): Promise<number> {
    const requests: Array<Promise<void>> = [];
    const timer = setInterval(() => requests.push(this.order()), 1000 / perSecond);
    let faultsEndedAt = 0;
    try {
      await Promise.all([faults().then(() => (faultsEndedAt = Date.now())), new Promise((resolve) => setTimeout(resolve, durationMs))]);
    } finally {
      clearInterval(timer);
    }
    await Promise.all(requests);
    return faultsEndedAt;
  }

  /**
   * Two workers under load, `worker-a` killed (SIGKILL) mid-load: what it was sending then is
   * still held under its claim, and arrives again from `worker-b` once that is handed over.
   * Waits for those re-sends (up to 30 s), then returns the figures and the takeover time.
   */
  async killOneOfTwoWorkers(concurrency: number, perSecond: number): Promise<ChaosFigures & { inFlightAtKill: number; takeoverMs: number; servedByBoth: boolean }> {
    const doomed = await this.startWorker('worker-a', { concurrency });
    await this.startWorker('worker-b', { concurrency });
    let killedAt = 0;
    let inFlightAtKill: number[] = [];
    const ended = await this.load(perSecond, 8_000, async () => {
      await pause(3_000);
      inFlightAtKill = await this.whileSending('worker-a');
      killedAt = Date.now();
      await doomed.kill('SIGKILL');
    });
    const figures = await this.settle(ended);
    const takenOverAt = (n: number) => (this.ledger.arrivals.get(n) ?? []).find((arrival) => arrival.by === 'worker-b' && arrival.at >= killedAt)?.at;
    await waitFor(() => inFlightAtKill.every((n) => takenOverAt(n) !== undefined), { timeoutMs: 30_000, what: 'worker-b to send again what worker-a was sending' }).catch(() => undefined);
    const takeoverMs = Math.max(0, ...inFlightAtKill.map((n) => (takenOverAt(n) ?? Infinity) - killedAt));
    const servedByBoth = ['worker-a', 'worker-b'].every((by) => [...this.ledger.arrivals.values()].some((list) => list.some((arrival) => arrival.by === by && arrival.at < killedAt)));
    return { ...figures, duplicates: this.ledger.duplicates, inFlightAtKill: inFlightAtKill.length, takeoverMs, servedByBoth };
  }

  /**
   * Waits until `sender` has a request held at the receiver (a fault timed at a fixed moment may
   * find it between two claims, with nothing to take over), and returns what it is sending then.
   */
  async whileSending(sender: string): Promise<number[]> {
    await waitFor(() => (this.ledger.inFlight.get(sender)?.size ?? 0) > 0, { timeoutMs: 4_000, what: `${sender} to be sending` });
    return [...this.ledger.inFlight.get(sender)!];
  }

  /** Waits until every accepted order has arrived; returns the figures. */
  async settle(faultsEndedAt: number, timeoutMs = 90_000): Promise<ChaosFigures> {
    await waitFor(() => this.ledger.missing(this.accepted).length === 0, { timeoutMs, what: 'every accepted order to arrive' }).catch(() => undefined);
    const lost = this.ledger.missing(this.accepted).length;
    const lastArrival = Math.max(...[...this.accepted].map((n) => this.ledger.arrivals.get(n)?.[0].at ?? 0));
    return { published: this.accepted.size, delivered: this.accepted.size - lost, duplicates: this.ledger.duplicates, lost, recoveryMs: Math.max(0, lastArrival - faultsEndedAt) };
  }

  async stop(): Promise<void> {
    await Promise.all([this.api?.kill(), ...[...this.workers.values()].map((worker) => worker.kill())]);
    await this.ownRedis?.kill();
    this.postgres.destroy();
    await this.receiver.close();
  }

  private async order(): Promise<void> {
    const n = this.next++;
    try {
      const answer = await fetch(`http://127.0.0.1:${this.apiPort}/orders/${n}`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      if (answer.status === 200) this.accepted.add(n);
    } catch {
      // refused or timed out: not accepted, nothing promised
    }
  }

  private async registerEndpoint(): Promise<void> {
    const app = await startFixtureApp({
      database: { type: 'postgres', url: this.postgres.url },
      withoutRedis: true,
      webhooks: { worker: false, eventTypes: ['invoice.created'] },
    });
    try {
      await app.get(EndpointsService).create({ url: this.receiver.endpoint(), eventTypes: ['*'], tenantId: this.tenantId });
    } finally {
      await app.close();
    }
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
