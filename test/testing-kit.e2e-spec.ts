import 'reflect-metadata';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, HttpCode, Injectable, Module, Post, UseGuards, type INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Webhook } from 'standardwebhooks';
import { EmitsWebhook, EndpointsService, WEBHOOK_MIGRATIONS, type WebhookEndpoint, type WebhooksModuleOptions } from 'nestjs-webhooks';
import { ReceivedWebhook, verifyWebhook, WebhookReceiverModule, WebhookSignatureGuard, type VerifiedWebhook } from 'nestjs-webhooks/receiver';
import { signWebhook, WebhooksTesting, WebhooksTestingModule } from 'nestjs-webhooks/testing';

// The complete host-app test of docs/testing.md, as a user writes it: a small app with a
// decorated service method, tested with `nestjs-webhooks/testing` on an in-memory SQLite
// database (no HTTP, no receiver, no Redis, no waiting), and the customer's receiver, tested
// with `signWebhook`.

// ---- the host app ----------------------------------------------------------------------------

interface Order {
  id: string;
  customerId: string;
  carrier: string;
}

@Injectable()
class OrdersService {
  @EmitsWebhook('order.shipped', { data: (order: Order) => ({ id: order.id, carrier: order.carrier }), tenant: (order: Order) => order.customerId })
  ship(id: string, carrier: string): Order {
    if (!carrier) throw new Error('no carrier');
    return { id, customerId: 'acme', carrier };
  }
}

@Module({ providers: [OrdersService] })
class OrdersModule {}

/** The app's own options, given to WebhooksModule in the app and to WebhooksTestingModule in its tests. */
const webhooksOptions: WebhooksModuleOptions = { runMigrations: true, retry: { delaysMs: [0, 60_000, 3_600_000] } };

// ---- its test ---------------------------------------------------------------------------------

describe('OrdersService sends order.shipped', () => {
  let moduleRef: TestingModule;
  let webhooks: WebhooksTesting;
  let orders: OrdersService;
  let endpoint: WebhookEndpoint;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', autoLoadEntities: true, migrations: WEBHOOK_MIGRATIONS }),
        WebhooksTestingModule.forRoot(webhooksOptions),
        OrdersModule,
      ],
    }).compile();
    await moduleRef.init();
    webhooks = moduleRef.get(WebhooksTesting);
    orders = moduleRef.get(OrdersService);
    ({ endpoint } = await moduleRef.get(EndpointsService).ensure({ tenantId: 'acme', url: 'https://acme.example/webhooks', eventTypes: ['order.*'] }));
  });

  afterEach(() => webhooks.reset());
  afterAll(() => moduleRef.close());

  it('sends the shipped order to the customer’s endpoint, signed', async () => {
    orders.ship('o-1', 'UPS');
    await webhooks.drain();

    const [sent] = webhooks.sent();
    expect(webhooks.sent()).toHaveLength(1);
    expect(sent).toMatchObject({ type: 'order.shipped', data: { id: 'o-1', carrier: 'UPS' }, tenantId: 'acme', endpointId: endpoint.id, attempt: 1, status: 200 });
    // The exact bytes and headers the customer would receive, verified by the independent package.
    expect(new Webhook(endpoint.secret).verify(sent.body, sent.headers)).toMatchObject({ id: sent.eventId, type: 'order.shipped' });
  });

  it('retries after a 500 on the schedule, with the same event id and body', async () => {
    webhooks.respondWith(endpoint.id, [500, 200]);
    orders.ship('o-2', 'DHL');

    const first = await webhooks.drain();
    expect(first.deliveries).toEqual({ succeeded: 0, failed: 0, cancelled: 0, waiting: 1 });
    expect(first.nextDueInMs).toBeGreaterThan(59_000);

    await webhooks.advance(60_000);
    const second = await webhooks.drain();
    expect(second.deliveries).toEqual({ succeeded: 1, failed: 0, cancelled: 0, waiting: 0 });

    const [failed, retried] = webhooks.sent();
    expect([failed.attempt, failed.status, retried.attempt, retried.status]).toEqual([1, 500, 2, 200]);
    expect(retried.eventId).toBe(failed.eventId);
    expect(retried.body).toBe(failed.body);
  });

  it('sends nothing when shipping fails', async () => {
    expect(() => orders.ship('o-3', '')).toThrow('no carrier');
    await webhooks.drain();
    expect(webhooks.sent()).toEqual([]);
  });
});

// ---- the customer's side: a receiver, tested with signWebhook ---------------------------------

@Controller('webhooks')
class ReceiverController {
  readonly received: VerifiedWebhook[] = [];

  @Post()
  @HttpCode(204)
  @UseGuards(WebhookSignatureGuard)
  receive(@ReceivedWebhook() webhook: VerifiedWebhook): void {
    this.received.push(webhook);
  }
}

describe('a receiver of order.shipped', () => {
  const secret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [WebhookReceiverModule.forRoot({ keys: secret })], controllers: [ReceiverController] }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: false });
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/webhooks`;
  });

  afterAll(() => app.close());

  const post = (body: string, headers: Record<string, string>) => fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });

  it('accepts a webhook signed with its secret', async () => {
    const signed = signWebhook({ type: 'order.shipped', data: { id: 'o-1' } }, secret);
    expect((await post(signed.body, signed.headers)).status).toBe(204);
    expect(app.get(ReceiverController).received.at(-1)?.payload).toEqual({ type: 'order.shipped', data: { id: 'o-1' } });
  });

  it('refuses one signed with another secret, or tampered with', async () => {
    const other = signWebhook({ type: 'order.shipped' }, 'whsec_' + Buffer.alloc(32, 8).toString('base64'));
    expect((await post(other.body, other.headers)).status).toBe(401);
    const signed = signWebhook({ type: 'order.shipped', data: { amount: 1 } }, secret);
    expect((await post(signed.body.replace('1', '9'), signed.headers)).status).toBe(401);
  });

  it('verifies what signWebhook signs with verifyWebhook too', () => {
    const signed = signWebhook('{"type":"order.shipped"}', secret, { id: 'msg_1', timestamp: new Date() });
    expect(verifyWebhook(signed.body, signed.headers, secret)).toMatchObject({ id: 'msg_1', payload: { type: 'order.shipped' } });
  });
});
