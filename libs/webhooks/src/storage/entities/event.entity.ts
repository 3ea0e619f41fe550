import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JsonColumn, TimestampColumn, type JsonValue } from './column-types';

/** The W3C trace context of the code that published an event, sent with each of its attempts. */
export interface StoredTraceContext {
  traceparent: string;
  tracestate?: string;
}

/** One thing that happened in the host app. Its payload is stored once, not per delivery. */
@Entity('webhook_events')
@Index('UQ_webhook_events_idempotency', ['tenantId', 'idempotencyKey'], { unique: true })
@Index('IDX_webhook_events_tenant_created', ['tenantId', 'createdAt'])
export class WebhookEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 255 })
  type: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  tenantId: string | null;

  @JsonColumn()
  data: JsonValue;

  @Column({ type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  /** The publisher's trace context, when OpenTelemetry was tracing it; null otherwise. */
  @JsonColumn({ nullable: true })
  traceContext: StoredTraceContext | null;

  @TimestampColumn()
  createdAt: Date;
}
