import { registerDecoratedEventType } from './event-type.catalog';
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

/** Property under which the module binds its publisher to instances with decorated methods. */
export const WEBHOOK_PUBLISHER = Symbol.for('webhooks.publisher');
/** Class metadata marking classes that have at least one decorated method. */
export const EMITS_WEBHOOK_CLASS = 'webhooks:emits-webhook';

/** Used for instances the module could not bind (request-scoped providers). */
let fallbackPublisher: DecoratedMethodPublisher | undefined;

export function setFallbackPublisher(publisher: DecoratedMethodPublisher | undefined): void {
  fallbackPublisher = publisher;
}

export function getFallbackPublisher(): DecoratedMethodPublisher | undefined {
  return fallbackPublisher;
}

/**
 * Publishes `type` after the decorated method succeeds (after its promise resolves, for async
 * methods, which also wait for the event to be stored). A method that throws publishes nothing.
 * The method's result is returned as is: a failure to publish is logged and counted, not
 * thrown, unless the module is `strict`; while the database does not answer, the event waits
 * in memory and is stored when it answers again (see `PublishBuffer`). Inside a transaction of
 * `@nestjs-cls/transactional`, an async method's event is written in that transaction.
 * Works on provider and controller methods, and on internal `this.method()` calls, because
 * the method itself is wrapped when the class is defined.
 */
export function EmitsWebhook<TResult = any, TArgs extends unknown[] = any[]>(
  type: string,
  options: EmitsWebhookOptions<TResult, TArgs> = {},
): MethodDecorator {
  if (!isValidEventType(type)) throw new Error(`@EmitsWebhook: "${type}" is not a valid event type (e.g. "invoice.paid")`);
  registerDecoratedEventType(type);

  return (target, _propertyKey, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as (...args: unknown[]) => unknown;
    const wrapped = function (this: Record<symbol, DecoratedMethodPublisher | undefined>, ...args: unknown[]) {
      const publisher = this?.[WEBHOOK_PUBLISHER] ?? fallbackPublisher;
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
    Reflect.defineMetadata(EMITS_WEBHOOK_CLASS, true, target.constructor);
    return descriptor;
  };
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
