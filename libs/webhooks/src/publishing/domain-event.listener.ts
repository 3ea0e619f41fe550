import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HostEventEmitter } from '../common/host-event-emitter';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { matchesAnyEventType } from '../common/event-type-pattern';
import { PublishBuffer } from './publish-buffer';

/** The library's own notifications are never turned into webhooks. */
const OWN_NOTIFICATIONS = 'webhooks.';

/**
 * Turns the host's EventEmitter2 domain events into webhooks of the same type when their
 * name matches the `listenTo` patterns, through the `PublishBuffer` (the emitter does not wait).
 * The payload becomes `data`; a string `tenantId` property on it selects the tenant. `onAny` works whether or not the host enabled wildcards.
 */
@Injectable()
export class DomainEventListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly listener = (event: string | string[], payload: unknown) => this.forward(event, payload);

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly buffer: PublishBuffer,
    private readonly host: HostEventEmitter,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled || this.options.listenTo.length === 0) return;
    const emitter = this.host.emitter;
    if (!emitter) {
      throw new Error(
        'nestjs-webhooks: the `listenTo` option turns EventEmitter2 events into webhooks and needs the app to have one: ' +
          'npm install @nestjs/event-emitter, and import EventEmitterModule.forRoot() in the app module',
      );
    }
    emitter.onAny(this.listener);
  }

  onModuleDestroy(): void {
    this.host.emitter?.offAny(this.listener);
  }

  private async forward(event: string | string[], payload: unknown): Promise<void> {
    const type = Array.isArray(event) ? event.join('.') : event;
    if (typeof type !== 'string' || type.startsWith(OWN_NOTIFICATIONS)) return;
    if (!matchesAnyEventType(this.options.listenTo, type)) return;
    const tenantId = (payload as { tenantId?: unknown } | null)?.tenantId;
    await this.buffer.publish(type, payload, typeof tenantId === 'string' ? tenantId : null).catch(() => undefined);
  }
}
