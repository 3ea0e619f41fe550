import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EndpointsService, EndpointStatus, generateWebhookSecret, WebhookEndpoint } from 'nestjs-webhooks';
import { ENDPOINT_TIMEOUT_MS, EVENT_TYPE } from './workload';

/** Registers endpoints through the public service (validation included): for a handful. */
export async function createEndpoints(app: INestApplicationContext, urls: string[]): Promise<void> {
  const endpoints = app.get(EndpointsService);
  for (const url of urls) await endpoints.create({ url, eventTypes: [EVENT_TYPE], timeoutMs: ENDPOINT_TIMEOUT_MS });
}

/** Inserts endpoint rows in chunks, as the service would write them: for thousands. */
export async function insertEndpoints(app: INestApplicationContext, urls: string[]): Promise<void> {
  const repository = app.get(DataSource).getRepository(WebhookEndpoint);
  const now = new Date();
  const rows = urls.map((url) =>
    repository.create({
      id: randomUUID(),
      tenantId: null,
      url,
      description: null,
      eventTypes: [EVENT_TYPE],
      secret: generateWebhookSecret(),
      previousSecrets: [],
      status: EndpointStatus.Active,
      headers: null,
      timeoutMs: ENDPOINT_TIMEOUT_MS,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
    }),
  );
  for (let i = 0; i < rows.length; i += 500) await repository.insert(rows.slice(i, i + 500));
}

/** `count` distinct endpoint URLs on one origin. */
export function endpointUrls(origin: string, count: number, path = 'hook'): string[] {
  return Array.from({ length: count }, (_, i) => `${origin}/${path}/${i}`);
}
