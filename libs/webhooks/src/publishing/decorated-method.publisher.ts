import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { emittedEventTypes, WEBHOOK_PUBLISHER, type DecoratedMethodPublisher, type EmitsWebhookOptions } from './emits-webhook.decorator';
import { AmbientTransaction } from './ambient-transaction';
import { PublishBuffer } from './publish-buffer';
import { PublishFailureCounter } from './publish-failure.counter';
import { WebhooksService } from './webhooks.service';

/**
 * Connects `@EmitsWebhook` methods to this module: binds itself to every provider and
 * controller instance whose class has a decorated method, and turns a method's outcome into
 * an event:
 * - inside a transaction of `@nestjs-cls/transactional` on the library's DataSource (async
 *   methods), written in that transaction: it commits or rolls back with the caller's writes,
 *   and a failure to write it fails the transaction as theirs would;
 * - otherwise handed to the `PublishBuffer`, which stores it, and keeps it while the database
 *   does not answer: a failure never breaks the method. In `strict` mode an async method's
 *   event is stored directly, and a failure reaches the caller.
 */
@Injectable()
export class DecoratedMethodsPublisher implements DecoratedMethodPublisher, OnModuleInit {
  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly discovery: DiscoveryService,
    private readonly webhooks: WebhooksService,
    private readonly failures: PublishFailureCounter,
    private readonly buffer: PublishBuffer,
    private readonly ambient: AmbientTransaction,
  ) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** Binds the app's instances that property injection could not reach (their module cannot see the token). */
  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance = wrapper.instance as Record<symbol, unknown> | undefined;
      if (instance && typeof instance === 'object' && emittedEventTypes(instance.constructor).length > 0 && !instance[WEBHOOK_PUBLISHER]) {
        instance[WEBHOOK_PUBLISHER] = this;
      }
    }
  }

  async publishFromMethod(type: string, options: EmitsWebhookOptions, result: unknown, args: unknown[], awaited: boolean): Promise<void> {
    let data: unknown;
    let tenantId: string | null;
    try {
      data = options.data ? options.data(result, args) : result;
      tenantId = options.tenant?.(result, args) ?? null;
    } catch (error) {
      this.failures.record(type, error);
      if (this.options.strict) throw error;
      return;
    }
    // NOTE: a synchronous method has returned before its event could be written: whatever
    // transaction it ran in may be over, so its event never goes into one.
    const manager = awaited ? this.ambient.manager() : undefined;
    if (manager || (awaited && this.options.strict)) {
      // In the caller's transaction, or strict: the caller learns of a failure, nothing is kept for later.
      await this.webhooks.publish(type, data, { tenantId, manager }).catch((error: unknown) => {
        this.failures.record(type, error);
        throw error;
      });
      return;
    }
    await this.buffer.publish(type, data, tenantId);
  }
}
