import {
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignatureHeaders } from '../signing/webhook-signature';
import { SeenWebhookIds } from './seen-webhook-ids';
import { verifyWebhook, WebhookVerificationError, type VerifiedWebhook } from './verify-webhook';
import { WEBHOOK_RECEIVER_OPTIONS } from './webhook-receiver.module-definition';
import type { WebhookReceiverOptions, WebhookRequest } from './webhook-receiver.options';

/** Where the guard leaves the verified webhook on the request; read it with `@ReceivedWebhook()`. */
export const VERIFIED_WEBHOOK = 'verifiedWebhook';
const DEFAULT_TOLERANCE_SECONDS = 300;
const IN_FLIGHT_RETRY_AFTER_SECONDS = 5;

/** Answers a repeated webhook 200 without running the handler, so the sender stops retrying it. */
export class DuplicateWebhookException extends HttpException {
  constructor(id: string) {
    super({ received: true, duplicate: true, id }, HttpStatus.OK);
  }
}

/**
 * Lets a request through only when it is a webhook signed with one of the configured keys:
 * verified on the raw body (`rawBody: true` on the app), the three Standard Webhooks headers
 * present once each, the timestamp within the tolerance, signatures compared in constant time.
 * Refusals answer 401 naming the problem. With replay protection, a `webhook-id` already
 * handled is not handled again.
 *
 * @publicApi
 */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  private static warnedAboutRawBody = false;
  private readonly logger = new Logger('WebhookSignatureGuard');

  constructor(
    @Inject(WEBHOOK_RECEIVER_OPTIONS) private readonly options: WebhookReceiverOptions,
    private readonly seen: SeenWebhookIds,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<WebhookRequest & { raw?: WebhookRequest }>();
    const rawBody = request.rawBody ?? request.raw?.rawBody;
    if (rawBody === undefined) {
      this.warnAboutRawBody();
      throw new UnauthorizedException('webhook rejected: no raw JSON body to verify');
    }
    const keys = await this.keysFor(request);
    if (keys.length === 0) throw new UnauthorizedException('webhook rejected: no key for this request');

    const toleranceSeconds = this.options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    let webhook: VerifiedWebhook;
    try {
      webhook = verifyWebhook(rawBody, signatureHeadersOf(request.raw ?? request), keys, { toleranceSeconds, now: this.options.now });
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw new UnauthorizedException(`webhook rejected: ${error.message}`);
      throw error;
    }
    if (this.options.replayProtection !== false) this.guardAgainstReplay(webhook, toleranceSeconds, http.getResponse());
    Object.assign(request, { [VERIFIED_WEBHOOK]: webhook });
    return true;
  }

  private async keysFor(request: WebhookRequest): Promise<readonly string[]> {
    const configured = this.options.keys;
    const keys = typeof configured === 'function' ? await configured(request) : configured;
    return typeof keys === 'string' ? [keys] : keys ?? [];
  }

  private guardAgainstReplay(webhook: VerifiedWebhook, toleranceSeconds: number, response: ServerResponse | { raw: ServerResponse }): void {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const state = this.seen.begin(webhook.id, (webhook.timestamp + toleranceSeconds) * 1000, now);
    if (state === 'handled') {
      if ((this.options.replayProtection || undefined)?.onDuplicate === 'reject') throw new ConflictException('webhook rejected: this webhook-id was already received');
      throw new DuplicateWebhookException(webhook.id);
    }
    if (state === 'in-flight') {
      const raw = 'raw' in response ? response.raw : response;
      raw.setHeader('retry-after', String(IN_FLIGHT_RETRY_AFTER_SECONDS));
      throw new ServiceUnavailableException('webhook is being handled: retry later');
    }
    const raw = 'raw' in response ? response.raw : response;
    let finished = false;
    raw.once('finish', () => {
      finished = true;
      this.seen.finish(webhook.id, raw.statusCode >= 200 && raw.statusCode < 300);
    });
    raw.once('close', () => {
      if (!finished) this.seen.finish(webhook.id, false);
    });
  }

  private warnAboutRawBody(): void {
    if (WebhookSignatureGuard.warnedAboutRawBody) return;
    WebhookSignatureGuard.warnedAboutRawBody = true;
    this.logger.warn('a request reached the guard without a raw body: create the app with NestFactory.create(AppModule, { rawBody: true }) and send JSON');
  }
}

// NOTE: `headersDistinct` keeps repeated headers apart (plain `headers` joins them with ", "),
// so verifyWebhook can refuse a duplicated webhook-id, timestamp or signature.
function signatureHeadersOf(request: IncomingMessage): Record<string, string | string[] | undefined> {
  const source = request.headersDistinct ?? request.headers;
  return {
    [SignatureHeaders.id]: source[SignatureHeaders.id],
    [SignatureHeaders.timestamp]: source[SignatureHeaders.timestamp],
    [SignatureHeaders.signature]: source[SignatureHeaders.signature],
  };
}
