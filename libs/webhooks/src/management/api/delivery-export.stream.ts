import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { WebhookDelivery } from '../../storage/entities/delivery.entity';
import { DeliveryDto, type ExportFormat } from './dto/delivery.dto';

/** CSV columns, in order; the NDJSON lines carry the same fields. */
export const EXPORT_COLUMNS: ReadonlyArray<keyof DeliveryDto> = [
  'id',
  'eventId',
  'eventType',
  'endpointId',
  'status',
  'attemptCount',
  'lastStatusCode',
  'lastError',
  'nextAttemptAt',
  'deliveredAt',
  'completedAt',
  'createdAt',
  'updatedAt',
];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * The export body as a stream pulling rows on demand: the next rows are read only when the
 * client has taken the previous ones (backpressure), so memory stays flat at any size.
 * Dates are ISO 8601; in CSV, null is an empty field.
 */
export function deliveryExportStream(rows: AsyncIterable<WebhookDelivery>, format: ExportFormat): Readable {
  if (format === 'ndjson') {
    return Readable.from(
      (async function* () {
        for await (const delivery of rows) yield `${JSON.stringify(DeliveryDto.from(delivery))}\n`;
      })(),
    );
  }
  const records = Readable.from(
    (async function* () {
      for await (const delivery of rows) yield DeliveryDto.from(delivery);
    })(),
  );
  const csv = stringify({ header: true, columns: EXPORT_COLUMNS as string[], cast: { date: (value) => value.toISOString() } });
  // pipeline() passes a read failure on to the returned stream, which fails the response.
  return pipeline(records, csv, () => undefined);
}
