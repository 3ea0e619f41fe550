import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { TimestampColumn } from './column-types';
import { WebhookEndpoint } from './endpoint.entity';
import { WebhookEvent } from './event.entity';

export enum DeliveryStatus {
  Pending = 'pending',
  Delivering = 'delivering',
  Succeeded = 'succeeded',
  Retrying = 'retrying',
  /** Dead letter: every attempt was used, or the failure was permanent. */
  Failed = 'failed',
  Cancelled = 'cancelled',
}

/** One event bound for one endpoint, with its status and schedule. */
@Entity('webhook_deliveries')
// Partial on PostgreSQL (see WebhooksPartialDeliveryIndexes1764900000000); a full index elsewhere.
@Index('IDX_webhook_deliveries_due', ['status', 'nextAttemptAt'], { where: `"status" IN ('pending', 'retrying', 'delivering')` })
@Index('IDX_webhook_deliveries_endpoint_created', ['endpointId', 'createdAt'])
@Index('IDX_webhook_deliveries_tenant_created', ['tenantId', 'createdAt'])
@Index('IDX_webhook_deliveries_event', ['eventId'])
@Index('IDX_webhook_deliveries_completed', ['status', 'completedAt'], { where: `"completedAt" IS NOT NULL` })
export class WebhookDelivery {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  eventId: string;

  @ManyToOne(() => WebhookEvent, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'eventId' })
  event?: Relation<WebhookEvent>;

  @Column('uuid')
  endpointId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpointId' })
  endpoint?: Relation<WebhookEndpoint>;

  /** Copied from the event so lists filter without a join. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  tenantId: string | null;

  /** Copied from the event so lists filter without a join. */
  @Column({ type: 'varchar', length: 255 })
  eventType: string;

  @Column({ type: 'simple-enum', enum: DeliveryStatus, default: DeliveryStatus.Pending })
  status: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attemptCount: number;

  /**
   * When the next attempt is due. While `delivering`, it is the end of the worker's lease:
   * a delivery whose worker died becomes due again once it passes.
   */
  @TimestampColumn({ nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  lastError: string | null;

  @TimestampColumn({ nullable: true })
  deliveredAt: Date | null;

  @TimestampColumn({ nullable: true })
  completedAt: Date | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn()
  updatedAt: Date;

  /**
   * The fencing token of the last claim: a worker's writes after its claim apply only while the
   * delivery still carries its token (a worker whose lease ran out and another took over
   * changes nothing). Null until the first claim.
   */
  @Column({ type: 'varchar', length: 36, nullable: true })
  leaseToken?: string | null;
}
