import { Module, type DynamicModule } from '@nestjs/common';
import { WebhooksModule } from '../webhooks.module';
import { withTestingProviders } from './testing-providers';
import { WebhooksTesting } from './webhooks-testing.service';

/**
 * `WebhooksModule` for a host app's tests, imported in its place with the same options: the
 * whole pipeline runs (publishing, storage, signing, retries, circuit breaker, dead letters),
 * but nothing goes out over the network and nothing runs in the background. Endpoints answer
 * 200 unless told otherwise; `WebhooksTesting` says what was sent, scripts the answers, runs
 * what is due (`drain`) and moves time on (`advance`).
 *
 * @publicApi
 */
@Module({})
export class WebhooksTestingModule {
  static forRoot(options: Parameters<typeof WebhooksModule.forRoot>[0]): DynamicModule {
    return WebhooksTestingModule.forTesting(WebhooksModule.forRoot(options));
  }

  static forRootAsync(options: Parameters<typeof WebhooksModule.forRootAsync>[0]): DynamicModule {
    return WebhooksTestingModule.forTesting(WebhooksModule.forRootAsync(options));
  }

  private static forTesting(webhooks: DynamicModule): DynamicModule {
    return {
      ...webhooks,
      module: WebhooksTestingModule,
      providers: withTestingProviders(webhooks.providers ?? []),
      exports: [...(webhooks.exports ?? []), WebhooksTesting],
    };
  }
}
