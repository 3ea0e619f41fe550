import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import {
  EMITS_WEBHOOK_CLASS,
  getFallbackPublisher,
  setFallbackPublisher,
  WEBHOOK_PUBLISHER,
  type DecoratedMethodPublisher,
  type EmitsWebhookOptions,
} from './emits-webhook.decorator';
import { PublishFailureCounter } from './publish-failure.counter';
import { WebhooksService } from './webhooks.service';

/**
 * Connects `@EmitsWebhook` methods to this module: binds itself to every provider and
 * controller instance whose class has a decorated method, and turns a method's outcome into
 * a publish call that never breaks the method (unless `strict`).
 */
@Injectable()
export class DecoratedMethodsPublisher implements DecoratedMethodPublisher, OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly discovery: DiscoveryService,
    private readonly webhooks: WebhooksService,
    private readonly failures: PublishFailureCounter,
  ) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance = wrapper.instance as Record<symbol, unknown> | undefined;
      if (instance && typeof instance === 'object' && Reflect.getMetadata(EMITS_WEBHOOK_CLASS, instance.constructor)) {
        instance[WEBHOOK_PUBLISHER] = this;
      }
    }
    setFallbackPublisher(this);
  }

  onModuleDestroy(): void {
    if (getFallbackPublisher() === this) setFallbackPublisher(undefined);
  }

  async publishFromMethod(type: string, options: EmitsWebhookOptions, result: unknown, args: unknown[]): Promise<void> {
    try {
      const data = options.data ? options.data(result, args) : result;
      const tenantId = options.tenant?.(result, args) ?? null;
      await this.webhooks.publish(type, data, { tenantId });
    } catch (error) {
      this.failures.record(type, error);
      if (this.options.strict) throw error;
    }
  }
}
