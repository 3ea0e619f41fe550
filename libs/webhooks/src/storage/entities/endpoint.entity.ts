import { Column, DeleteDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TimestampColumn, type JsonValue } from './column-types';
import type { RetrySchedule } from '../../options/webhooks-options.interface';
import type { RetryOnList } from '../../options/retry-on';
import { customHeadersTransformer, endpointSecretTransformer, previousSecretsTransformer } from '../secrets/endpoint-secret.transformer';

export enum EndpointStatus {
  Active = 'active',
  Disabled = 'disabled',
  Paused = 'paused',
}

/** A secret that still signs, next to the current one, until it expires (rotation overlap). */
export interface PreviousSecret {
  secret: string;
  expiresAt: string;
}

/** A customer's URL, subscribed to some event types, with its own signing secret. */
@Entity('webhook_endpoints')
@Index('IDX_webhook_endpoints_tenant_status', ['tenantId', 'status'])
@Index('UQ_webhook_endpoints_url_key', ['urlKey'], { unique: true })
export class WebhookEndpoint {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  tenantId: string | null;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  description: string | null;

  /** Exact types, `resource.*` wildcards or `*`. */
  @JsonColumn()
  eventTypes: string[];

  /**
   * `whsec_…` (HMAC, `v1,` signatures) or `whsk_…` (ed25519 signing key, `v1a,` signatures).
   * Encrypted at rest by the transformer: the column holds `enc:v1:…` (or `plain:…` without a key).
   */
  @Column({ type: 'varchar', length: 512, transformer: endpointSecretTransformer })
  secret: string;

  @Column({ type: 'json', transformer: previousSecretsTransformer })
  previousSecrets: PreviousSecret[];

  /** Also send the legacy `X-Webhook-Signature: sha256=<hex>` header (HMAC endpoints only). */
  @Column({ type: 'boolean', default: false })
  legacySignatureHeader: boolean;

  @Column({ type: 'simple-enum', enum: EndpointStatus, default: EndpointStatus.Active })
  status: EndpointStatus;

  @Column({ type: 'varchar', length: 255, nullable: true })
  disabledReason: string | null;

  /** Sent with every delivery. Values of credential headers are encrypted at rest like `secret`. */
  @JsonColumn({ nullable: true, transformer: customHeadersTransformer })
  headers: Record<string, string> | null;

  /** Deliveries per second at most; null means unlimited. */
  @Column({ type: 'int', nullable: true })
  rateLimitPerSecond: number | null;

  @Column({ type: 'int', nullable: true })
  timeoutMs: number | null;

  @JsonColumn({ nullable: true })
  retrySchedule: RetrySchedule | null;

  /** Which failed attempts retry (statuses and classes); null means the module's rule. */
  @JsonColumn({ nullable: true })
  retryOn: RetryOnList | null;

  /** Whether requests carry the publisher's W3C trace context (`traceparent`, `tracestate`). */
  @Column({ type: 'boolean', default: true })
  sendTraceContext: boolean;

  @Column({ type: 'int', default: 0 })
  consecutiveFailures: number;

  @TimestampColumn({ nullable: true })
  failingSince: Date | null;

  /**
   * Circuit breaker: while in the future, deliveries to this endpoint wait without spending
   * attempts. Null means closed. When it passes, one worker takes the probe.
   */
  @TimestampColumn({ nullable: true })
  circuitOpenUntil: Date | null;

  @JsonColumn({ nullable: true })
  metadata: Record<string, JsonValue> | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;

  @DeleteDateColumn({ type: Date, precision: 3, nullable: true })
  deletedAt: Date | null;

  /** `endpointUrlKey(tenantId, url)` while the endpoint lives, null once deleted: one live endpoint per tenant and URL. */
  @Column({ type: 'varchar', length: 64, nullable: true, select: false })
  urlKey?: string | null;
}
