import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  urlForLogs,
  WebhookNotifications,
  type DeliveryDeadLetteredNotification,
  type EndpointDisabledNotification,
  type EndpointFailingNotification,
} from 'nestjs-webhooks';

/** What a host would do with the library's notifications: here, log them (URLs reduced to their origin: a path can be a secret). */
@Injectable()
export class WebhookNotificationsListener {
  private readonly logger = new Logger('WebhookNotifications');

  @OnEvent(WebhookNotifications.endpointFailing)
  endpointFailing(notification: EndpointFailingNotification): void {
    this.logger.warn(`endpoint ${notification.endpointId} (${urlForLogs(notification.url)}) failed ${notification.consecutiveFailures} times in a row`);
  }

  @OnEvent(WebhookNotifications.endpointDisabled)
  endpointDisabled(notification: EndpointDisabledNotification): void {
    this.logger.warn(`endpoint ${notification.endpointId} (${urlForLogs(notification.url)}) was disabled: ${notification.reason}`);
  }

  @OnEvent(WebhookNotifications.deliveryDeadLettered)
  deliveryDeadLettered(notification: DeliveryDeadLetteredNotification): void {
    this.logger.error(
      `${notification.eventType} ${notification.eventId} to endpoint ${notification.endpointId} gave up after ${notification.attempts} attempts` +
        ` (${notification.lastStatusCode ?? notification.lastError ?? 'no answer'})`,
    );
  }
}
