import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, HttpCode, InternalServerErrorException, Post, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { generateEd25519SigningKey } from 'nestjs-webhooks';
import { ReceivedWebhook, signWebhook, WebhookReceiverModule, WebhookSignatureGuard, type VerifiedWebhook, type WebhookReceiverOptions } from 'nestjs-webhooks/receiver';

// The receiving side (SPEC §1, §6): WebhookSignatureGuard in a real Nest app created with
// rawBody, driven over HTTP with raw requests (repeated header lines included).

const SECRET = 'whsec_' + Buffer.alloc(32, 0x21).toString('base64');
const OTHER = 'whsec_' + Buffer.alloc(32, 0x22).toString('base64');
const ED = generateEd25519SigningKey();

/** What the handler saw; `fail` and `hold` script its next calls. */
const handler = {
  seen: [] as VerifiedWebhook[],
  failNext: 0,
  hold: null as Promise<void> | null,
};

@Controller('hooks')
class ReceiverController {
  @Post()
  @HttpCode(200)
  @UseGuards(WebhookSignatureGuard)
  async receive(@ReceivedWebhook() webhook: VerifiedWebhook): Promise<{ ok: true }> {
    if (handler.hold) await handler.hold;
    if (handler.failNext > 0) {
      handler.failNext -= 1;
      throw new InternalServerErrorException('handler failed');
    }
    handler.seen.push(webhook);
    return { ok: true };
  }
}

async function startReceiver(options: WebhookReceiverOptions): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({ imports: [WebhookReceiverModule.forRoot(options)], controllers: [ReceiverController] }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${new URL(await app.getUrl()).port}/hooks` };
}

interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** POSTs with node:http, so that a header given as an array goes out as repeated lines. */
function post(url: string, body: string, headers: OutgoingHttpHeaders, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const present = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined));
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': contentType, ...present } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: response.statusCode ?? 0, body: parsed, headers: response.headers });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

let counter = 0;
/** A signed webhook, now (or `offsetSeconds` away), under the given secrets or signing keys. */
function signed(options: { secrets?: string[]; offsetSeconds?: number; id?: string; data?: unknown } = {}) {
  const id = options.id ?? `evt_${++counter}`;
  const timestamp = Math.floor(Date.now() / 1000) + (options.offsetSeconds ?? 0);
  const body = JSON.stringify({ id, type: 'invoice.paid', timestamp: new Date().toISOString(), data: options.data ?? { n: counter } });
  const { headers } = signWebhook(body, options.secrets ?? [SECRET], { id, timestamp });
  return { id, body, headers: { ...headers } as Record<string, string> };
}

describe('WebhookSignatureGuard', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startReceiver({ keys: [SECRET, ED.publicKey], toleranceSeconds: 300 }));
  });

  afterAll(async () => {
    await app?.close();
  });

  afterEach(() => {
    handler.seen.length = 0;
    handler.failNext = 0;
    handler.hold = null;
  });

  it('lets a webhook signed with the secret through and hands the verified webhook to the handler', async () => {
    const webhook = signed({ data: { amount: 4200 } });
    const answer = await post(url, webhook.body, webhook.headers);
    expect(answer).toMatchObject({ status: 200, body: { ok: true } });
    expect(handler.seen).toEqual([{ id: webhook.id, timestamp: Number(webhook.headers['webhook-timestamp']), payload: JSON.parse(webhook.body) }]);
  });

  it('lets a webhook signed with ed25519 (v1a) through with the public key', async () => {
    const webhook = signed({ secrets: [ED.signingKey] });
    expect(webhook.headers['webhook-signature']).toMatch(/^v1a,/);
    expect((await post(url, webhook.body, webhook.headers)).status).toBe(200);
  });

  it('lets a webhook through when one of several signatures matches (sender rotating)', async () => {
    const webhook = signed({ secrets: [OTHER, SECRET] });
    expect((await post(url, webhook.body, webhook.headers)).status).toBe(200);
  });

  const refusals: Array<[string, (webhook: ReturnType<typeof signed>) => { body?: string; headers: OutgoingHttpHeaders; contentType?: string }, string]> = [
    ['no webhook-id', (w) => ({ headers: { ...w.headers, 'webhook-id': undefined } }), 'webhook rejected: missing webhook-id, webhook-timestamp or webhook-signature header'],
    ['no webhook-timestamp', (w) => ({ headers: { ...w.headers, 'webhook-timestamp': undefined } }), 'webhook rejected: missing webhook-id, webhook-timestamp or webhook-signature header'],
    ['no webhook-signature', (w) => ({ headers: { ...w.headers, 'webhook-signature': undefined } }), 'webhook rejected: missing webhook-id, webhook-timestamp or webhook-signature header'],
    ['a malformed timestamp', (w) => ({ headers: { ...w.headers, 'webhook-timestamp': '1.7e9' } }), 'webhook rejected: webhook-timestamp is not a unix time in seconds'],
    ['a malformed signature', (w) => ({ headers: { ...w.headers, 'webhook-signature': 'v1,***' } }), 'webhook rejected: no signature matches'],
    ['a tampered body', (w) => ({ body: w.body.replace('invoice.paid', 'invoice.void'), headers: w.headers }), 'webhook rejected: no signature matches'],
    ['a tampered id', (w) => ({ headers: { ...w.headers, 'webhook-id': 'evt_other' } }), 'webhook rejected: no signature matches'],
    ['an unknown signature version only', (w) => ({ headers: { ...w.headers, 'webhook-signature': w.headers['webhook-signature'].replace('v1,', 'v9,') } }), 'webhook rejected: no signature matches'],
    ['another secret', () => {
      const other = signed({ secrets: [OTHER] });
      return { body: other.body, headers: other.headers };
    }, 'webhook rejected: no signature matches'],
    ['a repeated webhook-signature line', (w) => ({ headers: { ...w.headers, 'webhook-signature': [w.headers['webhook-signature'], 'v1,AAAA'] } }), 'webhook rejected: duplicate webhook-signature header'],
    ['a repeated webhook-id line', (w) => ({ headers: { ...w.headers, 'webhook-id': [w.id, w.id] } }), 'webhook rejected: duplicate webhook-id header'],
    ['a repeated webhook-timestamp line', (w) => ({ headers: { ...w.headers, 'webhook-timestamp': [w.headers['webhook-timestamp'], w.headers['webhook-timestamp']] } }), 'webhook rejected: duplicate webhook-timestamp header'],
    ['a body that is not JSON', (w) => ({ body: w.body, headers: w.headers, contentType: 'text/plain' }), 'webhook rejected: no raw JSON body to verify'],
  ];

  it.each(refusals)('answers 401 to %s, without running the handler', async (_what, alter, message) => {
    const altered = alter(signed());
    const answer = await post(url, altered.body ?? signed().body, altered.headers, altered.contentType);
    expect(answer.status).toBe(401);
    expect(answer.body.message).toBe(message);
    expect(handler.seen).toHaveLength(0);
  });

  it('answers 401 to a webhook signed too long ago, and to one from too far in the future', async () => {
    const old = signed({ offsetSeconds: -301 });
    const future = signed({ offsetSeconds: 301 });
    expect((await post(url, old.body, old.headers)).body.message).toBe('webhook rejected: webhook-timestamp is too old');
    expect((await post(url, future.body, future.headers)).body.message).toBe('webhook rejected: webhook-timestamp is in the future');
    expect(handler.seen).toHaveLength(0);
  });

  describe('replay protection', () => {
    it('answers a replay 200 without running the handler again', async () => {
      const webhook = signed();
      expect((await post(url, webhook.body, webhook.headers)).status).toBe(200);
      const replay = await post(url, webhook.body, webhook.headers);
      expect(replay).toMatchObject({ status: 200, body: { received: true, duplicate: true, id: webhook.id } });
      expect(handler.seen).toHaveLength(1);
    });

    it('treats a retry with a new timestamp of a handled id as a duplicate too', async () => {
      const first = signed({ id: 'evt_retried' });
      await post(url, first.body, first.headers);
      const retry = signed({ id: 'evt_retried', offsetSeconds: 5 });
      expect((await post(url, retry.body, retry.headers)).body).toMatchObject({ duplicate: true });
      expect(handler.seen).toHaveLength(1);
    });

    it('processes the retry of a webhook whose handler failed', async () => {
      const webhook = signed();
      handler.failNext = 1;
      expect((await post(url, webhook.body, webhook.headers)).status).toBe(500);
      expect((await post(url, webhook.body, webhook.headers)).status).toBe(200);
      expect(handler.seen.map((seen) => seen.id)).toEqual([webhook.id]);
    });

    it('answers 503 with Retry-After to a copy arriving while the first is still being handled', async () => {
      let release!: () => void;
      handler.hold = new Promise<void>((resolve) => (release = resolve));
      const webhook = signed();
      const first = post(url, webhook.body, webhook.headers);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const concurrent = await post(url, webhook.body, webhook.headers);
      expect(concurrent.status).toBe(503);
      expect(concurrent.headers['retry-after']).toBe('5');
      release();
      expect((await first).status).toBe(200);
      expect(handler.seen).toHaveLength(1);
    });

    it('does not remember refused requests', async () => {
      const webhook = signed();
      await post(url, webhook.body.replace('invoice', 'invoicE'), webhook.headers);
      expect((await post(url, webhook.body, webhook.headers)).body).toEqual({ ok: true });
    });
  });
});

describe('WebhookSignatureGuard configured otherwise', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    handler.seen.length = 0;
  });

  it('takes the keys from a resolver of the request', async () => {
    const byTenant: Record<string, string> = { acme: SECRET, globex: OTHER };
    let url: string;
    ({ app, url } = await startReceiver({ keys: (request) => byTenant[String(request.headers['x-tenant'])] ?? [] }));
    const webhook = signed({ secrets: [OTHER] });
    expect((await post(url, webhook.body, { ...webhook.headers, 'x-tenant': 'globex' })).status).toBe(200);
    expect((await post(url, webhook.body, { ...webhook.headers, 'x-tenant': 'acme' })).status).toBe(401);
    const unknown = await post(url, webhook.body, { ...webhook.headers, 'x-tenant': 'initech' });
    expect(unknown).toMatchObject({ status: 401, body: { message: 'webhook rejected: no key for this request' } });
  });

  it('rejects a replay with 409 when asked to', async () => {
    let url: string;
    ({ app, url } = await startReceiver({ keys: SECRET, replayProtection: { onDuplicate: 'reject' } }));
    const webhook = signed();
    await post(url, webhook.body, webhook.headers);
    expect((await post(url, webhook.body, webhook.headers)).status).toBe(409);
  });

  it('lets replays through when replay protection is off', async () => {
    let url: string;
    ({ app, url } = await startReceiver({ keys: SECRET, replayProtection: false }));
    const webhook = signed();
    await post(url, webhook.body, webhook.headers);
    expect((await post(url, webhook.body, webhook.headers)).status).toBe(200);
    expect(handler.seen).toHaveLength(2);
  });

  it('keeps its memory of ids bounded under a flood', async () => {
    let url: string;
    ({ app, url } = await startReceiver({ keys: SECRET, replayProtection: { maxEntries: 10 } }));
    const flood = Array.from({ length: 40 }, () => signed());
    for (const webhook of flood) expect((await post(url, webhook.body, webhook.headers)).status).toBe(200);
    expect(handler.seen).toHaveLength(40);
    // The 10 most recent ids are remembered (a replay is acknowledged, not handled again); older ones were let go.
    for (const replayed of [flood[39], flood[30]]) expect((await post(url, replayed.body, replayed.headers)).status).toBe(200);
    expect(handler.seen).toHaveLength(40);
    expect((await post(url, flood[0].body, flood[0].headers)).status).toBe(200);
    expect(handler.seen).toHaveLength(41);
  });

  it('honours toleranceSeconds', async () => {
    let url: string;
    ({ app, url } = await startReceiver({ keys: SECRET, toleranceSeconds: 10 }));
    const webhook = signed({ offsetSeconds: -20 });
    expect((await post(url, webhook.body, webhook.headers)).body.message).toBe('webhook rejected: webhook-timestamp is too old');
  });
});
