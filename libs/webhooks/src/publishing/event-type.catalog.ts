import { Inject, Injectable } from '@nestjs/common';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { EventTypeDefinition } from '../options/webhooks-options.interface';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { isWildcardPattern } from '../common/event-type-pattern';

/** Types named by `@EmitsWebhook` anywhere in the process; filled when classes are defined. */
const decoratedEventTypes = new Set<string>();

export function registerDecoratedEventType(type: string): void {
  decoratedEventTypes.add(type);
}

/** The event types endpoints may subscribe to: the `eventTypes` option plus decorated ones. */
@Injectable()
export class EventTypeCatalog {
  private readonly definitions = new Map<string, EventTypeDefinition>();

  constructor(@Inject(RESOLVED_WEBHOOKS_OPTIONS) options: ResolvedWebhooksOptions) {
    for (const type of decoratedEventTypes) this.definitions.set(type, { name: type });
    for (const definition of options.eventTypes) this.definitions.set(definition.name, definition);
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
