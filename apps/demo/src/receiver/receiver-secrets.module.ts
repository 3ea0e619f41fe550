import { Module } from '@nestjs/common';
import { ReceiverSecrets } from './receiver-secrets.store';

/** The receiver's secrets, on their own so the signature guard's options can use them. */
@Module({
  providers: [ReceiverSecrets],
  exports: [ReceiverSecrets],
})
export class ReceiverSecretsModule {}
