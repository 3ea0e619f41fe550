import { Module, ValidationPipe, type DynamicModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhooksModule } from 'nestjs-webhooks';
import type { DemoConfig } from './config/demo-config';
import { DEMO_CONFIG, DemoConfigModule } from './config/demo-config.module';
import { demoDatabaseOptions } from './config/demo-database.options';
import { demoWebhooksOptions } from './config/demo-webhooks.options';
import { DemoEndpointsModule } from './endpoints/demo-endpoints.module';
import { HealthModule } from './health/health.module';
import { InvoicesModule } from './invoices/invoices.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PaymentsModule } from './payments/payments.module';
import { ReceiverModule } from './receiver/receiver.module';
import { demoApiModule } from './api/demo-api.module';
import { FaviconModule } from './favicon/favicon.module';

/** The demo host app. Built from an explicit config so tests can pass theirs. */
@Module({})
export class AppModule {
  static register(config: DemoConfig): DynamicModule {
    const configModule = DemoConfigModule.forRoot(config);
    const webhooks = WebhooksModule.forRootAsync({
      imports: [configModule],
      inject: [DEMO_CONFIG],
      useFactory: (demoConfig: DemoConfig) => demoWebhooksOptions(demoConfig),
    });
    return {
      module: AppModule,
      imports: [
        configModule,
        TypeOrmModule.forRoot(demoDatabaseOptions(config)),
        EventEmitterModule.forRoot(),
        // Global so that feature modules (health, endpoints) can inject the library's services.
        { ...webhooks, global: true },
        PaymentsModule,
        InvoicesModule,
        ReceiverModule,
        DemoEndpointsModule,
        HealthModule,
        MetricsModule,
        NotificationsModule,
        FaviconModule,
        ...(config.role !== 'worker' ? [demoApiModule()] : []),
      ],
      providers: [{ provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }) }],
    };
  }
}
