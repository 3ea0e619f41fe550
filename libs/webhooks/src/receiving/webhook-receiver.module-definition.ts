import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WebhookReceiverOptions } from './webhook-receiver.options';

export const {
  ConfigurableModuleClass: ConfigurableWebhookReceiverModule,
  MODULE_OPTIONS_TOKEN: WEBHOOK_RECEIVER_OPTIONS,
} = new ConfigurableModuleBuilder<WebhookReceiverOptions>({ moduleName: 'WebhookReceiver' }).setClassMethodName('forRoot').build();
