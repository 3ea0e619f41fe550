import 'reflect-metadata';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Webhook } from 'standardwebhooks';
import { EndpointsService } from 'nestjs-webhooks';
import { WebhooksTesting, WebhooksTestingModule } from 'nestjs-webhooks/testing';
import { loadDemoConfig, type DemoConfig } from './config/demo-config';
import { DEMO_CONFIG, DemoConfigModule } from './config/demo-config.module';
import { demoDatabaseOptions } from './config/demo-database.options';
import { demoWebhooksOptions } from './config/demo-webhooks.options';
import { InvoicesController } from './invoices/invoices.controller';
import { InvoicesModule } from './invoices/invoices.module';
import { PaymentsModule } from './payments/payments.module';
import { PaymentsService } from './payments/payments.service';

// The demo's decorated methods send what they should: its payments and invoices modules with
// its own webhook and database options, under the testing kit, on SQLite in memory. No HTTP:
// the methods are called as the routes call them, and the kit records what would be sent.

const CUSTOMER_URL = 'https://customer.example/webhooks';

describe('the demo’s webhooks', () => {
  let moduleRef: TestingModule;
  let webhooks: WebhooksTesting;

  async function startDemo(environment: Record<string, string> = {}): Promise<DemoConfig> {
    const config = loadDemoConfig({ DATABASE_URL: 'sqlite::memory:', ...environment });
    moduleRef = await Test.createTestingModule({
      imports: [
        DemoConfigModule.forRoot(config),
        TypeOrmModule.forRoot(demoDatabaseOptions(config)),
        WebhooksTestingModule.forRootAsync({ inject: [DEMO_CONFIG], useFactory: demoWebhooksOptions }),
        PaymentsModule,
        InvoicesModule,
      ],
    }).compile();
    await moduleRef.init();
    webhooks = moduleRef.get(WebhooksTesting);
    await moduleRef.get(EndpointsService).ensure({ tenantId: config.tenant, url: CUSTOMER_URL, eventTypes: ['*'], secret: config.endpointSecret });
    return config;
  }

  afterEach(() => moduleRef?.close());

  it('sends payment.verified with the payment, signed with the endpoint’s secret', async () => {
    const config = await startDemo();
    const payment = moduleRef.get(PaymentsService).verify('p1', 1000);
    await webhooks.drain();

    const [sent] = webhooks.sent();
    expect(webhooks.sent()).toHaveLength(1);
    expect(sent).toMatchObject({ type: 'payment.verified', data: payment, tenantId: 'demo', url: CUSTOMER_URL, status: 200 });
    expect(new Webhook(config.endpointSecret).verify(sent.body, sent.headers)).toMatchObject({ type: 'payment.verified', data: payment });
  });

  it('sends payment.refunded once the async refund resolves, and nothing for a refund refused', async () => {
    await startDemo();
    const payments = moduleRef.get(PaymentsService);
    payments.verify('p1', 1000);
    const refund = await payments.refund('p1', 300, 'damaged');
    await expect(payments.refund('p2')).rejects.toThrow('payment p2 was not verified');
    await webhooks.drain();

    expect(webhooks.sent({ type: 'payment.refunded' }).map((sent) => sent.data)).toEqual([refund]);
  });

  it('sends invoice.created from the decorated controller route and invoice.paid from the service', async () => {
    await startDemo();
    const invoices = moduleRef.get(InvoicesController);
    const created = invoices.create({ customer: 'ACME', amount: 5000 });
    const paid = invoices.pay(created.id);
    await webhooks.drain();

    // Two events stored side by side: compared by type, not by the order they went in.
    expect(webhooks.sent().map((sent) => [sent.type, sent.data]).sort()).toEqual([
      ['invoice.created', created],
      ['invoice.paid', paid],
    ]);
  });

  it('sends nothing with WEBHOOKS_ENABLED=false, and the methods answer the same', async () => {
    await startDemo({ WEBHOOKS_ENABLED: 'false' });
    const payment = moduleRef.get(PaymentsService).verify('p1', 1000);
    expect(payment).toMatchObject({ id: 'p1', amount: 1000, status: 'verified' });
    await webhooks.drain();
    expect(webhooks.sent()).toEqual([]);
  });
});
