import { Injectable } from '@nestjs/common';
import type { WebhookDelivery } from '../src/storage/entities';
import type { DeliveryFilter } from '../src/storage/queries/deliveries.queries';
import { DeliveryExportReader } from '../src/storage/queries/delivery-export.reader';

/**
 * The export reader with a gate in front of every batch after the first, and a count of the
 * rows read: a test can hold the export after one batch and observe what the client got.
 */
@Injectable()
export class GatedExportReader extends DeliveryExportReader {
  static rowsRead = 0;
  private static gate: Promise<void> | null = null;
  private static openGate: () => void = () => undefined;

  /** Until `open()`, no batch after the first is read. */
  static close(): void {
    GatedExportReader.rowsRead = 0;
    GatedExportReader.gate = new Promise((resolve) => (GatedExportReader.openGate = resolve));
  }

  static open(): void {
    GatedExportReader.openGate();
    GatedExportReader.gate = null;
  }

  protected override async readBatch(tenantId: string, filter: DeliveryFilter, last: WebhookDelivery | null): Promise<WebhookDelivery[]> {
    if (last !== null && GatedExportReader.gate) await GatedExportReader.gate;
    const batch = await super.readBatch(tenantId, filter, last);
    GatedExportReader.rowsRead += batch.length;
    return batch;
  }
}
