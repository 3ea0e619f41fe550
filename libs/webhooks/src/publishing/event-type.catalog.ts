import { Inject, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { EventTypeDefinition } from '../options/webhooks-options.interface';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { isWildcardPattern } from '../common/event-type-pattern';
import { emittedEventTypes } from './emits-webhook.decorator';

/**
 * The event types endpoints may subscribe to: the `eventTypes` option plus those of this app's
 * `@EmitsWebhook` methods, found on its providers and controllers the first time it is asked.
 */
@Injectable()
export class EventTypeCatalog {
  private known?: Map<string, EventTypeDefinition>;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly discovery: DiscoveryService,
  ) {}

  private get definitions(): Map<string, EventTypeDefinition> {
    return (this.known ??= this.collect());
  }

  private collect(): Map<string, EventTypeDefinition> {
    const definitions = new Map<string, EventTypeDefinition>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      // A class provider's class is known before its instance exists; other providers by their instance.
      const type: unknown = wrapper.metatype && !wrapper.inject ? wrapper.metatype : (wrapper.instance as object | undefined)?.constructor;
      if (typeof type === 'function') for (const name of emittedEventTypes(type)) definitions.set(name, { name });
    }
    for (const definition of this.options.eventTypes) definitions.set(definition.name, definition);
    return definitions;
  }

  list(): EventTypeDefinition[] {
    return [...this.definitions.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  /** The subscription patterns that are neither a catalog type nor a wildcard. */
  unknownPatterns(patterns: readonly string[]): string[] {
    return patterns.filter((pattern) => !this.has(pattern) && !isWildcardPattern(pattern));
  }
}
