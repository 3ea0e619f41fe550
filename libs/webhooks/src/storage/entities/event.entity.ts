import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { StoredTraceContext } from '../../common/trace-context';
import { JsonColumn, TimestampColumn, type JsonValue } from './column-types';

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
