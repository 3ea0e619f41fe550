import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Scope, type INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EmitsWebhook, EndpointsService, EventTypeCatalog, WebhookEvent } from 'nestjs-webhooks';
import { sqliteEmbedded, type TestBackend } from './support/backends';
import { startFixtureApp } from './support/fixture-app';

// Two Nest apps in one process (as tests and multi-tenant hosts run them), each with its own
// WebhooksModule options: each publishes its own decorated methods into its own database and
// lists its own event types, whatever the other does. Endpoint secrets are the exception: the
// entity's column transformer is one per process, so the apps must share one key ring, and an
// app with another one is refused at start rather than sealing with the wrong keys.

@Injectable()
class OrdersService {
  @EmitsWebhook('order.placed')
  async place(id: string) {
    return { id };
  }
}

@Injectable()
class ShipmentsService {
  @EmitsWebhook('shipment.sent')
  async send(id: string) {
    return { id };
  }
}

/** In both apps. */
@Injectable()
class AuditService {
  @EmitsWebhook('audit.recorded')
  async record(what: string) {
    return { what };
  }
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedOrders {
  @EmitsWebhook('order.placed')
  async place(id: string) {
    return { id, scoped: true };
  }
}

const KEYS = [{ id: 'k1', key: randomBytes(32).toString('base64') }];

describe('two apps in one process', () => {
  const backends: TestBackend[] = [];
  const apps: INestApplication[] = [];
  let orders: INestApplication;
  let shipments: INestApplication;

  const start = async (providers: Function[], webhooks: object) => {
    const backend = await sqliteEmbedded.create();
    backends.push(backend);
    const app = await startFixtureApp({ database: backend.database, withoutRedis: true, providers: providers as never[], webhooks: { worker: false, eventTypes: [], ...webhooks } });
    apps.push(app);
    return app;
  };
  const eventsIn = (app: INestApplication) => app.get(DataSource).getRepository(WebhookEvent).find({ order: { createdAt: 'ASC' } });

  beforeAll(async () => {
    orders = await start([OrdersService, AuditService, RequestScopedOrders], { secretEncryption: { keys: KEYS } });
    shipments = await start([ShipmentsService, AuditService], { secretEncryption: { keys: KEYS } });
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    for (const backend of backends) await backend.drop();
  });

  it('each lists the event types of its own decorated methods only', () => {
    expect(orders.get(EventTypeCatalog).list().map((type) => type.name)).toEqual(['audit.recorded', 'order.placed']);
    expect(shipments.get(EventTypeCatalog).list().map((type) => type.name)).toEqual(['audit.recorded', 'shipment.sent']);
  });

  it('each publishes a class both use into its own database', async () => {
    await orders.get(AuditService).record('in orders');
    await shipments.get(AuditService).record('in shipments');
    expect((await eventsIn(orders)).filter((event) => event.type === 'audit.recorded').map((event) => event.data)).toEqual([{ what: 'in orders' }]);
    expect((await eventsIn(shipments)).filter((event) => event.type === 'audit.recorded').map((event) => event.data)).toEqual([{ what: 'in shipments' }]);
  });

  it('a request-scoped instance publishes through the app that created it', async () => {
    const scoped = await orders.resolve(RequestScopedOrders);
    await scoped.place('o-scoped');
    expect((await eventsIn(orders)).some((event) => event.type === 'order.placed' && (event.data as { id: string }).id === 'o-scoped')).toBe(true);
    expect((await eventsIn(shipments)).some((event) => event.type === 'order.placed')).toBe(false);
  });

  it('an instance no app created publishes nothing, in either app', async () => {
    const before = [(await eventsIn(orders)).length, (await eventsIn(shipments)).length];
    await expect(new AuditService().record('outside')).resolves.toEqual({ what: 'outside' });
    expect([(await eventsIn(orders)).length, (await eventsIn(shipments)).length]).toEqual(before);
  });

  it('refuses a third app with another key ring at start, and the two go on reading their secrets', async () => {
    const other = [{ id: 'k1', key: randomBytes(32).toString('base64') }];
    await expect(start([AuditService], { secretEncryption: { keys: other } })).rejects.toThrow('another WebhooksModule in this process uses different secretEncryption settings');
    await expect(orders.get(EndpointsService).list()).resolves.toBeDefined();
  });

  it('both seal endpoint secrets with the shared key ring, and read them back', async () => {
    const inOrders = await orders.get(EndpointsService).create({ url: 'http://127.0.0.1:1/orders', eventTypes: ['order.placed'] });
    const inShipments = await shipments.get(EndpointsService).create({ url: 'http://127.0.0.1:1/shipments', eventTypes: ['shipment.sent'] });
    expect((await orders.get(EndpointsService).get(inOrders.id)).secret).toBe(inOrders.secret);
    expect((await shipments.get(EndpointsService).get(inShipments.id)).secret).toBe(inShipments.secret);
    const [stored] = await orders.get(DataSource).query('SELECT "secret" FROM "webhook_endpoints" WHERE "id" = ?', [inOrders.id]);
    expect(stored.secret).toMatch(/^enc:v1:k1:/);
  });
});
