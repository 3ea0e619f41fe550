import { Module } from '@nestjs/common';
import { ReceiverModule } from '../receiver/receiver.module';
import { DemoEndpointsRegistrar } from './demo-endpoints.registrar';

@Module({
  imports: [ReceiverModule],
  providers: [DemoEndpointsRegistrar],
})
export class DemoEndpointsModule {}
