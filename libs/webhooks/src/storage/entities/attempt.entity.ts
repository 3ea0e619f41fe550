import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { JsonColumn, TimestampColumn } from './column-types';
import { WebhookDelivery } from './delivery.entity';

/** One HTTP request made for a delivery, with its outcome. */
@Entity('webhook_attempts')
@Index('IDX_webhook_attempts_delivery', ['deliveryId', 'number'])
export class WebhookAttempt {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  deliveryId: string;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'deliveryId' })
  delivery?: Relation<WebhookDelivery>;

  @Column({ type: 'int' })
  number: number;

  @TimestampColumn()
  startedAt: Date;

  @Column({ type: 'int' })
  durationMs: number;

  /** Request headers as sent, signatures included, secrets never. */
  @JsonColumn()
  requestHeaders: Record<string, string>;

  @Column({ type: 'int', nullable: true })
  responseStatus: number | null;

  @JsonColumn({ nullable: true })
  responseHeaders: Record<string, string> | null;

  /** At most the first 10 KB of the response body. */
  @Column({ type: 'text', nullable: true })
  responseBody: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  error: string | null;
}
