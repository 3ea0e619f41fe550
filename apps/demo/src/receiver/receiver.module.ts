import { Module } from '@nestjs/common';
import { ReceivedWebhooksStore } from './received-webhooks.store';
import { ReceiverController } from './receiver.controller';
import { ReceiverSecrets } from './receiver-secrets.store';

@Module({
  controllers: [ReceiverController],
  providers: [ReceivedWebhooksStore, ReceiverSecrets],
  exports: [ReceiverSecrets],
})
export class ReceiverModule {}
