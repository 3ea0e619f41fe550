import { ApiProperty, OmitType } from '@nestjs/swagger';
import type { HoldReason } from '../../../delivery/delivery-step';
import { endpointHealthOf, type EndpointHealthState } from '../../endpoint-health';
import { maskWebhookSecret } from '../../../signing/webhook-secret';
import { redactCredentialHeaders } from '../../../storage/secrets/credential-headers';
import { signatureSchemeOf, verificationKeyOf, type SignatureScheme } from '../../../signing/signing-secret';
import { EndpointStatus, type WebhookEndpoint } from '../../../storage/entities/endpoint.entity';
import type { RetryOnList, RetrySchedule } from '../../../options/webhooks-options.interface';
import type { JsonValue } from '../../../storage/entities/column-types';
import { PageInfoDto } from './page.dto';
import { RETRY_ON_SCHEMA } from './retry-on.schema';

export class PreviousSecretDto {
  @ApiProperty({ example: 'whsec_…Qx8=', description: 'Masked.' })
  secret: string;

  @ApiProperty({ format: 'date-time', description: 'Stops signing at this time.' })
  expiresAt: string;
}

const HEALTH_STATES: EndpointHealthState[] = ['healthy', 'failing', 'circuit-open', 'circuit-probing', 'paused', 'disabled'];
const HOLD_REASONS: HoldReason[] = ['circuit-open', 'rate-limited', 'endpoint-busy', 'endpoint-paused'];

export class EndpointHealthDto {
  @ApiProperty({
    enum: HEALTH_STATES,
    description:
      '`disabled` and `paused`: by status; `circuit-open`: deliveries wait until `circuitOpenUntil`; `circuit-probing`: that time passed, the next delivery probes; `failing`: the last attempts failed; `healthy` otherwise.',
  })
  state: EndpointHealthState;

  @ApiProperty({ type: String, nullable: true, description: 'Why it is disabled.' })
  reason: string | null;

  @ApiProperty() consecutiveFailures: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) failingSince: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) circuitOpenUntil: Date | null;
}

/** An endpoint as every answer shows it: secrets masked. */
export class EndpointDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  url: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: [String] })
  eventTypes: string[];

  @ApiProperty({ enum: EndpointStatus })
  status: EndpointStatus;

  @ApiProperty({ type: String, nullable: true })
  disabledReason: string | null;

  @ApiProperty({ example: 'whsec_…Qx8=', description: 'Masked; shown in full only when created or rotated.' })
  secret: string;

  @ApiProperty({ type: [PreviousSecretDto], description: 'Replaced secrets that still sign during their overlap.' })
  previousSecrets: PreviousSecretDto[];

  @ApiProperty({ enum: ['hmac-sha256', 'ed25519'], description: '`v1,` HMAC-SHA256 with a shared secret, or `v1a,` ed25519.' })
  signatureScheme: SignatureScheme;

  @ApiProperty({ type: String, nullable: true, description: 'ed25519 only: the `whpk_` public key receivers verify with (not a secret).' })
  verificationKey: string | null;

  @ApiProperty({ description: 'Whether the legacy `X-Webhook-Signature` header is sent too.' })
  legacySignatureHeader: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    description: 'Values of credential-like headers (authorization, cookie, *-token, *-key, *-secret…) read "[redacted]"; an update that sends that back keeps the stored value.',
  })
  headers: Record<string, string> | null;

  @ApiProperty({ type: Number, nullable: true })
  rateLimitPerSecond: number | null;

  @ApiProperty({ type: Number, nullable: true })
  timeoutMs: number | null;

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true })
  retrySchedule: RetrySchedule | null;

  @ApiProperty(RETRY_ON_SCHEMA)
  retryOn: RetryOnList | null;

  @ApiProperty({ description: "Whether attempts carry the publisher's W3C trace context." })
  sendTraceContext: boolean;

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true })
  metadata: Record<string, JsonValue> | null;

  @ApiProperty({ description: 'Failed attempts in a row.' })
  consecutiveFailures: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  failingSince: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Circuit breaker: deliveries wait until then; null when closed.' })
  circuitOpenUntil: Date | null;

  @ApiProperty({ type: EndpointHealthDto, description: 'Its health at the time of the answer, read from the fields above.' })
  health: EndpointHealthDto;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;

  static from(endpoint: WebhookEndpoint, now: Date = new Date()): EndpointDto {
    return {
      id: endpoint.id,
      url: endpoint.url,
      description: endpoint.description,
      eventTypes: endpoint.eventTypes,
      status: endpoint.status,
      disabledReason: endpoint.disabledReason,
      secret: maskWebhookSecret(endpoint.secret),
      previousSecrets: (endpoint.previousSecrets ?? [])
        .filter((entry) => new Date(entry.expiresAt).getTime() > now.getTime())
        .map((entry) => ({ secret: maskWebhookSecret(entry.secret), expiresAt: entry.expiresAt })),
      signatureScheme: signatureSchemeOf(endpoint.secret),
      verificationKey: signatureSchemeOf(endpoint.secret) === 'ed25519' ? verificationKeyOf(endpoint.secret) : null,
      legacySignatureHeader: endpoint.legacySignatureHeader,
      headers: endpoint.headers && redactCredentialHeaders(endpoint.headers),
      rateLimitPerSecond: endpoint.rateLimitPerSecond,
      timeoutMs: endpoint.timeoutMs,
      retrySchedule: endpoint.retrySchedule,
      retryOn: endpoint.retryOn,
      sendTraceContext: endpoint.sendTraceContext,
      metadata: endpoint.metadata,
      consecutiveFailures: endpoint.consecutiveFailures,
      failingSince: endpoint.failingSince,
      circuitOpenUntil: endpoint.circuitOpenUntil,
      health: endpointHealthOf(endpoint, now),
      createdAt: endpoint.createdAt,
      updatedAt: endpoint.updatedAt,
    };
  }
}

/**
 * The answer to create and rotate: the only places an HMAC secret appears in full. An ed25519
 * signing key is never shown: receivers need only `verificationKey`.
 */
export class EndpointWithSecretDto extends OmitType(EndpointDto, ['secret'] as const) {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'HMAC: in full, store it now, it is never shown again. ed25519: masked.' })
  secret: string;

  static withSecret(endpoint: WebhookEndpoint): EndpointWithSecretDto {
    const answer = EndpointDto.from(endpoint);
    return { ...answer, secret: answer.signatureScheme === 'ed25519' ? answer.secret : endpoint.secret };
  }
}

export class EndpointPageDto extends PageInfoDto {
  @ApiProperty({ type: [EndpointDto] })
  data: EndpointDto[];
}

export class EndpointTestResultDto {
  @ApiProperty({ description: 'True when the endpoint answered 2xx.' })
  succeeded: boolean;

  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status of the answer; null when none came (timeout, refused, ...).' })
  status: number | null;

  @ApiProperty()
  durationMs: number;

  @ApiProperty({ type: String, nullable: true, description: 'The first 10 KB of the answer.' })
  responseBody: string | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ description: 'False when the endpoint held the test (see `heldBecause`): nothing was sent.' })
  sent: boolean;

  @ApiProperty({ enum: HOLD_REASONS, nullable: true, description: 'What held the test: the circuit, the rate limit, a full slot.' })
  heldBecause: HoldReason | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the test delivery is attempted (again): after a hold or a failure; null once finished.' })
  nextAttemptAt: Date | null;

  @ApiProperty({ example: 'webhook.test', description: '`webhook.test`, or the catalog type whose example was sent.' })
  eventType: string;

  @ApiProperty({ format: 'uuid', description: 'The test delivery, listed with the others.' })
  deliveryId: string;

  @ApiProperty({ format: 'uuid' })
  eventId: string;
}

export class RecoverResultDto {
  @ApiProperty({ description: 'Failed deliveries queued again.' })
  count: number;
}
