import { Module } from '@nestjs/common';
import { WebhookNotificationsListener } from './webhook-notifications.listener';

@Module({
  providers: [WebhookNotificationsListener],
})
export class NotificationsModule {}
