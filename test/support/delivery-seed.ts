import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEvent } from 'nestjs-webhooks';

/** One past delivery to write straight into the tables, with its own event and attempts. */
export interface SeedDelivery {
  endpointId: string;
  tenantId: string;
  eventType?: string;
  status: DeliveryStatus;
  createdAt: Date;
  nextAttemptAt?: Date | null;
  lastError?: string | null;
  /** Attempts in order; `attemptCount` and the last status code follow from them. */
  attempts?: Array<{ startedAt: Date; durationMs: number; responseStatus: number | null }>;
  data?: Record<string, unknown>;
}

export interface SeededDelivery {
  deliveryId: string;
  eventId: string;
}

const CHUNK = 500;

/**
 * Bulk inserts, a chunk of rows a statement: thousands of deliveries in a second or two, on
 * every supported database, without going through the API.
 */
export async function seedDeliveries(dataSource: DataSource, deliveries: readonly SeedDelivery[]): Promise<SeededDelivery[]> {
  const seeded = deliveries.map(() => ({ deliveryId: randomUUID(), eventId: randomUUID() }));
  const events = deliveries.map((delivery, index) => ({
    id: seeded[index].eventId,
    type: delivery.eventType ?? 'invoice.paid',
    tenantId: delivery.tenantId,
    data: (delivery.data ?? { n: index }) as WebhookEvent['data'],
    idempotencyKey: null,
    createdAt: delivery.createdAt,
  }));
  const rows = deliveries.map((delivery, index) => {
    const attempts = delivery.attempts ?? [];
    const finished = [DeliveryStatus.Succeeded, DeliveryStatus.Failed, DeliveryStatus.Cancelled].includes(delivery.status);
    const last = attempts.at(-1);
    return {
      id: seeded[index].deliveryId,
      eventId: seeded[index].eventId,
      endpointId: delivery.endpointId,
      tenantId: delivery.tenantId,
      eventType: delivery.eventType ?? 'invoice.paid',
      status: delivery.status,
      attemptCount: attempts.length,
      nextAttemptAt: delivery.nextAttemptAt ?? null,
      lastStatusCode: last?.responseStatus ?? null,
      lastError: delivery.lastError ?? null,
      deliveredAt: delivery.status === DeliveryStatus.Succeeded ? (last?.startedAt ?? delivery.createdAt) : null,
      completedAt: finished ? (last?.startedAt ?? delivery.createdAt) : null,
      createdAt: delivery.createdAt,
      updatedAt: last?.startedAt ?? delivery.createdAt,
    };
  });
  const attempts = deliveries.flatMap((delivery, index) =>
    (delivery.attempts ?? []).map((attempt, number) => ({
      id: randomUUID(),
      deliveryId: seeded[index].deliveryId,
      number: number + 1,
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      requestHeaders: {},
      responseStatus: attempt.responseStatus,
      responseHeaders: null,
      responseBody: null,
      error: attempt.responseStatus === null ? 'connect ECONNREFUSED' : null,
    })),
  );
  for (let start = 0; start < events.length; start += CHUNK) await dataSource.getRepository(WebhookEvent).insert(events.slice(start, start + CHUNK));
  for (let start = 0; start < rows.length; start += CHUNK) await dataSource.getRepository(WebhookDelivery).insert(rows.slice(start, start + CHUNK));
  for (let start = 0; start < attempts.length; start += CHUNK) await dataSource.getRepository(WebhookAttempt).insert(attempts.slice(start, start + CHUNK));
  return seeded;
}

export const minutesAgo = (minutes: number, now = Date.now()): Date => new Date(now - minutes * 60_000);
export const minutesFromNow = (minutes: number, now = Date.now()): Date => new Date(now + minutes * 60_000);
