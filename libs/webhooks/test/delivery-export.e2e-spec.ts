// The export's streaming (backpressure, batch reads) is observed through its internal reader,
// so this suite lives with the library rather than with the end-to-end tests of its public API.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookDelivery, WebhookEvent } from 'nestjs-webhooks';
import { DeliveryExportReader, EXPORT_BATCH_SIZE } from '../src/storage/queries/delivery-export.reader';
import { ApiClient, startApiApp } from '../../../test/support/api-fixture';
import { postgresWithBull, type TestBackend } from '../../../test/support/backends';
import { GatedExportReader } from './gated-export-reader';

const ROWS = 20_000;
const INSERT_CHUNK = 1_000;
const COLUMNS = ['id', 'eventId', 'eventType', 'endpointId', 'status', 'attemptCount', 'lastStatusCode', 'lastError', 'nextAttemptAt', 'deliveredAt', 'completedAt', 'createdAt', 'updatedAt'] as const;
const STATUSES = [DeliveryStatus.Succeeded, DeliveryStatus.Failed, DeliveryStatus.Cancelled];
// Values CSV must quote: commas, quotes, line breaks.
const ERRORS = [null, 'HTTP 500', 'connect ECONNREFUSED 10.0.0.1:443, after "retry"', 'line one\nline two', ''];

type ExportRow = Record<(typeof COLUMNS)[number], string | number | null>;

describe('management API: streamed delivery export on PostgreSQL', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let a: ApiClient;
  let expected: ExportRow[];

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    app = await startApiApp({ database: backend.database, overrides: [{ provide: DeliveryExportReader, useClass: GatedExportReader }] });
    a = await ApiClient.of(app, 'key-tenant-a');
    const endpointId = (await a.post('/endpoints', { url: 'http://127.0.0.1:9/export', eventTypes: ['*'] })).body.id;
    expected = await insertFinishedDeliveries(app.get(DataSource), endpointId);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  /** 20,000 finished deliveries written in bulk (never queued); returns them as the export should show them. */
  async function insertFinishedDeliveries(dataSource: DataSource, endpointId: string): Promise<ExportRow[]> {
    const base = Date.now() - ROWS * 10;
    const events = Array.from({ length: 50 }, (_, i) => ({ id: randomUUID(), type: i % 2 ? 'invoice.paid' : 'payment.verified', tenantId: 'tenant-a', data: {}, idempotencyKey: null, createdAt: new Date(base) }));
    await dataSource.getRepository(WebhookEvent).insert(events);
    const rows = Array.from({ length: ROWS }, (_, i) => {
      const event = events[i % events.length];
      // Pairs share a creation time, so pages must break ties by id.
      const createdAt = new Date(base + Math.floor(i / 2) * 10);
      const status = STATUSES[i % STATUSES.length];
      return {
        id: randomUUID(),
        eventId: event.id,
        endpointId,
        tenantId: 'tenant-a',
        eventType: event.type,
        status,
        attemptCount: 1 + (i % 4),
        nextAttemptAt: null,
        lastStatusCode: status === DeliveryStatus.Succeeded ? 200 : i % 7 === 0 ? null : 500,
        lastError: status === DeliveryStatus.Succeeded ? null : ERRORS[i % ERRORS.length],
        deliveredAt: status === DeliveryStatus.Succeeded ? createdAt : null,
        completedAt: createdAt,
        createdAt,
        updatedAt: createdAt,
      };
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await dataSource.createQueryBuilder().insert().into(WebhookDelivery).values(rows.slice(i, i + INSERT_CHUNK)).execute();
    }
    const iso = (date: Date | null) => date?.toISOString() ?? null;
    return rows
      .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (y.id < x.id ? -1 : 1))
      .map((row) => ({ ...row, nextAttemptAt: iso(row.nextAttemptAt), deliveredAt: iso(row.deliveredAt), completedAt: iso(row.completedAt), createdAt: iso(row.createdAt)!, updatedAt: iso(row.updatedAt)! }))
      .map((row) => Object.fromEntries(COLUMNS.map((column) => [column, row[column]])) as ExportRow);
  }

  /** Reads the first chunk while the reader is held after its first batch, then the rest. */
  async function readHeldExport(path: string): Promise<{ response: Response; firstChunk: string; rowsReadAtFirstChunk: number; body: string }> {
    GatedExportReader.close();
    try {
      const response = await a.raw(path);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      const first = await reader.read();
      const firstChunk = decoder.decode(first.value, { stream: true });
      const rowsReadAtFirstChunk = GatedExportReader.rowsRead;
      GatedExportReader.open();
      let body = firstChunk;
      for (let next = await reader.read(); !next.done; next = await reader.read()) body += decoder.decode(next.value, { stream: true });
      return { response, firstChunk, rowsReadAtFirstChunk, body: body + decoder.decode() };
    } finally {
      GatedExportReader.open();
    }
  }

  it('streams CSV: the first bytes arrive while only one batch has been read, and it parses back to the same rows', async () => {
    const { response, firstChunk, rowsReadAtFirstChunk, body } = await readHeldExport('/deliveries/export?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="deliveries.csv"');
    expect(firstChunk.startsWith(`${COLUMNS.join(',')}\n`)).toBe(true);
    expect(rowsReadAtFirstChunk).toBe(EXPORT_BATCH_SIZE);
    expect(GatedExportReader.rowsRead).toBe(ROWS);

    const records = parse(body, { columns: true }) as Array<Record<string, string>>;
    expect(records).toHaveLength(ROWS);
    const asCsv = (row: ExportRow) => Object.fromEntries(COLUMNS.map((column) => [column, row[column] === null ? '' : String(row[column])]));
    expect(records).toEqual(expected.map(asCsv));
  });

  it('streams NDJSON the same way, one JSON object per line, nulls kept', async () => {
    const { response, rowsReadAtFirstChunk, body } = await readHeldExport('/deliveries/export?format=ndjson');
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(rowsReadAtFirstChunk).toBe(EXPORT_BATCH_SIZE);
    const lines = body.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual(expected);
  });

  it('applies the list filters', async () => {
    const response = await a.raw('/deliveries/export?format=ndjson&status=failed&eventType=invoice.paid');
    const rows = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(rows).toEqual(expected.filter((row) => row.status === 'failed' && row.eventType === 'invoice.paid'));
    const empty = await a.as('key-tenant-b').raw('/deliveries/export');
    expect(await empty.text()).toBe(`${COLUMNS.join(',')}\n`);
  });

  it.each([
    ['format=xml', /format/],
    ['from=soon', /from/],
    ['endpointId=x', /endpointId/],
    ['limit=10', /limit should not exist/],
  ])('answers 400 for %s', async (query, message) => {
    const answer = await a.get(`/deliveries/export?${query}`);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.message)).toMatch(message);
  });
});
