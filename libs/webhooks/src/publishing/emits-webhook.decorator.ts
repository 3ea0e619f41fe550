import { Inject, Optional } from '@nestjs/common';
import { isValidEventType } from '../common/event-type-pattern';

/** How a decorated method's outcome becomes the event. */
export interface EmitsWebhookOptions<TResult = any, TArgs extends unknown[] = any[]> {
  /** The event's `data`. Default: the method's result. */
  data?: (result: TResult, args: TArgs) => unknown;
  /** The tenant whose endpoints receive it. Default: none. */
  tenant?: (result: TResult, args: TArgs) => string | null | undefined;
}

/** What the decorator needs from the module; bound to instances when the app starts. */
export interface DecoratedMethodPublisher {
  readonly enabled: boolean;
  /** `awaited`: the method is async, and its caller waits for this. */
  publishFromMethod(type: string, options: EmitsWebhookOptions, result: unknown, args: unknown[], awaited: boolean): Promise<void>;
}

/** Property of an instance with decorated methods that holds its app's publisher. */
export const WEBHOOK_PUBLISHER = Symbol.for('webhooks.publisher');
/** Injection token of the module's `DecoratedMethodPublisher`. */
export const DECORATED_METHOD_PUBLISHER = 'WEBHOOKS:DECORATED_METHOD_PUBLISHER';
/** Class metadata: the event types the class's decorated methods emit (inherited by subclasses). */
const EMITS_WEBHOOK_TYPES = 'webhooks:emits-webhook-types';

/** The event types a class's `@EmitsWebhook` methods emit; empty for a class without any. */
export function emittedEventTypes(type: Function): readonly string[] {
  return (Reflect.getMetadata(EMITS_WEBHOOK_TYPES, type) as string[] | undefined) ?? [];
}

/**
 * Publishes `type` after the decorated method succeeds (after its promise resolves, for async
 * methods, which also wait for the event to be stored). A method that throws publishes nothing.
 * The method's result is returned as is: a failure to publish is logged and counted, not
 * thrown, unless the module is `strict`; while the database does not answer, the event waits
 * in memory and is stored when it answers again (see `PublishBuffer`). Inside a transaction of
 * `@nestjs-cls/transactional`, an async method's event is written in that transaction.
 * Works on provider and controller methods, and on internal `this.method()` calls, because
 * the method itself is wrapped when the class is defined. Each instance publishes through the
 * module of the app that created it (request-scoped and transient ones included), never
 * another app's; an instance no app created publishes nothing.
 */
export function EmitsWebhook<TResult = any, TArgs extends unknown[] = any[]>(
  type: string,
  options: EmitsWebhookOptions<TResult, TArgs> = {},
): MethodDecorator {
  if (!isValidEventType(type)) throw new Error(`@EmitsWebhook: "${type}" is not a valid event type (e.g. "invoice.paid")`);
  return (target, _propertyKey, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (...args: unknown[]) => unknown;
    const wrapped = function (this: Record<symbol, DecoratedMethodPublisher | undefined>, ...args: unknown[]) {
      const publisher = this?.[WEBHOOK_PUBLISHER];
      if (!publisher?.enabled) return original.apply(this, args);
      const result = original.apply(this, args);
      if (isPromiseLike(result)) {
        return Promise.resolve(result).then(async (value) => {
          await publisher.publishFromMethod(type, options as EmitsWebhookOptions, value, args, true);
          return value;
        });
      }
      // A synchronous method cannot wait: the event goes to the publish buffer after it returned.
      publisher.publishFromMethod(type, options as EmitsWebhookOptions, result, args, false).catch(() => undefined);
      return result;
    };
    copyFunctionIdentity(original, wrapped);
    descriptor.value = wrapped;
    declareEmittedType(target, type);
    return descriptor;
  };
}

// NOTE: the publisher reaches instances by property injection, so Nest hands each instance it
// creates (whatever its scope) the publisher of its own app; optional, so a class used without
// WebhooksModule still works. `DecoratedMethodsPublisher` binds the instances of modules that
// cannot see the token (a non-global WebhooksModule) when the app starts.
function declareEmittedType(target: object, type: string): void {
  const owner = target.constructor;
  const own = Reflect.getOwnMetadata(EMITS_WEBHOOK_TYPES, owner) as string[] | undefined;
  if (!own) {
    Inject(DECORATED_METHOD_PUBLISHER)(target, WEBHOOK_PUBLISHER);
    Optional()(target, WEBHOOK_PUBLISHER);
  }
  Reflect.defineMetadata(EMITS_WEBHOOK_TYPES, [...new Set([...(own ?? emittedEventTypes(owner)), type])], owner);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

// NOTE: Nest reads route, guard and pipe metadata from the method itself, so the wrapper must
// carry the original's metadata and name, whichever decorators ran before this one.
function copyFunctionIdentity(from: Function, to: Function): void {
  for (const key of Reflect.getMetadataKeys(from)) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, from), to);
  }
  Object.defineProperty(to, 'name', { value: from.name });
}
