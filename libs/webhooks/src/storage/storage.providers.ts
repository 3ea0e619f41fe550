import type { Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { WEBHOOKS_DATA_SOURCE } from './data-source.provider';
import { databaseFamilyOf } from './dialect/database-family';
import { transactionRunnerFor, type TransactionRunner } from './dialect/transaction-runner';
import { AfterCommit } from './after-commit';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { LibraryDatabase } from './library-database';
import { DeliveriesStore } from './deliveries/deliveries.store';
import { PortableDeliveriesStore } from './deliveries/portable-deliveries.store';
import { PostgresDeliveriesStore } from './deliveries/postgres-deliveries.store';
import { EndpointsStore } from './endpoints/endpoints.store';
import { EventsStore } from './events/events.store';
import { PostgresEventsStore } from './events/postgres-events.store';

/** The stores of one DataSource, each the implementation of its database family. */
export interface WebhooksStores {
  transactions: TransactionRunner;
  deliveries: DeliveriesStore;
  events: EventsStore;
  endpoints: EndpointsStore;
}

const WEBHOOKS_STORES = 'WEBHOOKS:STORES';
/** Injection token of the DataSource's `TransactionRunner`. */
export const WEBHOOKS_TRANSACTIONS = 'WEBHOOKS:TRANSACTIONS';

/**
 * The one place where the database family picks the statements: PostgreSQL's hand-written hot
 * path, or TypeORM's portable ones with the family's way of running transactions (MySQL and
 * MariaDB pooled, with row locks; SQLite one transaction at a time).
 */
export function storesFor(dataSource: DataSource): WebhooksStores {
  const transactions = transactionRunnerFor(dataSource);
  const endpoints = new EndpointsStore(dataSource, transactions);
  if (databaseFamilyOf(dataSource) === 'postgres') {
    return { transactions, endpoints, deliveries: new PostgresDeliveriesStore(dataSource, transactions), events: new PostgresEventsStore(dataSource, transactions) };
  }
  return { transactions, endpoints, deliveries: new PortableDeliveriesStore(dataSource, transactions), events: new EventsStore(dataSource, transactions) };
}

export const STORAGE_PROVIDERS: Provider[] = [
  { provide: WEBHOOKS_STORES, inject: [WEBHOOKS_DATA_SOURCE], useFactory: storesFor },
  { provide: WEBHOOKS_TRANSACTIONS, inject: [WEBHOOKS_STORES], useFactory: (stores: WebhooksStores) => stores.transactions },
  { provide: DeliveriesStore, inject: [WEBHOOKS_STORES], useFactory: (stores: WebhooksStores) => stores.deliveries },
  { provide: EventsStore, inject: [WEBHOOKS_STORES], useFactory: (stores: WebhooksStores) => stores.events },
  { provide: EndpointsStore, inject: [WEBHOOKS_STORES], useFactory: (stores: WebhooksStores) => stores.endpoints },
  DeliveriesRepository,
  AfterCommit,
  LibraryDatabase,
];
