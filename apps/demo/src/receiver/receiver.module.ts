import { Module } from '@nestjs/common';
import { WebhookReceiverModule } from 'nestjs-webhooks/receiver';
import { ReceivedWebhooksStore } from './received-webhooks.store';
import { ReceiverController } from './receiver.controller';
import { ReceiverSecrets } from './receiver-secrets.store';
import { ReceiverSecretsModule } from './receiver-secrets.module';

@Module({
  imports: [
    ReceiverSecretsModule,
    // Read at each request: secrets found later (endpoints of an earlier run) count too.
    WebhookReceiverModule.forRootAsync({
      imports: [ReceiverSecretsModule],
      inject: [ReceiverSecrets],
      useFactory: (secrets: ReceiverSecrets) => ({ keys: () => secrets.all(), toleranceSeconds: 300 }),
    }),
  ],
  controllers: [ReceiverController],
  providers: [ReceivedWebhooksStore],
  exports: [ReceiverSecretsModule],
})
export class ReceiverModule {}
