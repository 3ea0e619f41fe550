import { Injectable } from '@nestjs/common';
import type { WebhookDelivery } from '../entities/delivery.entity';
import { DeliveriesQueries, type DeliveryFilter } from './deliveries.queries';
import { afterCursor } from './keyset-page';

export const EXPORT_BATCH_SIZE = 500;

/**
 * Reads the deliveries of an export in batches, newest first, with keyset pagination: the
 * next batch is read only when the previous one has been consumed, so an export of any size
 * holds one batch in memory.
 */
@Injectable()
export class DeliveryExportReader {
  constructor(private readonly deliveries: DeliveriesQueries) {}

  async *rows(tenantId: string, filter: DeliveryFilter): AsyncGenerator<WebhookDelivery> {
    let last: WebhookDelivery | null = null;
    for (;;) {
      const batch = await this.readBatch(tenantId, filter, last);
      yield* batch;
      if (batch.length < EXPORT_BATCH_SIZE) return;
      last = batch[batch.length - 1];
    }
  }

  /** One batch after `last` (the first batch when null). */
  protected readBatch(tenantId: string, filter: DeliveryFilter, last: WebhookDelivery | null): Promise<WebhookDelivery[]> {
    return afterCursor(this.deliveries.filtered(tenantId, filter), 'd', last).take(EXPORT_BATCH_SIZE).getMany();
  }
}
