import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { loadOptionalPeer } from '../common/optional-peer';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { LibraryDatabase } from '../storage/library-database';

type TransactionalPackage = typeof import('@nestjs-cls/transactional');
type TransactionHostLike = { isTransactionActive(): boolean; tx: unknown };

/**
 * With `ambientTransactions`, the transaction the calling code runs in, when it runs in one of
 * `@nestjs-cls/transactional` (an optional peer, with its TypeORM adapter) on the library's
 * DataSource: a decorated method's event is then written in it, as the caller's own writes are
 * (transactional outbox without passing a manager around).
 */
@Injectable()
export class AmbientTransaction implements OnModuleInit {
  private transactional?: TransactionalPackage;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly database: LibraryDatabase,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.options.ambientTransactions) return;
    this.transactional = await loadOptionalPeer<TransactionalPackage>('@nestjs-cls/transactional', 'The `ambientTransactions` option');
  }

  /** The manager of the caller's active transaction on the library's DataSource, if any. */
  manager(): EntityManager | undefined {
    const host = this.host();
    if (!host?.isTransactionActive()) return undefined;
    const tx: unknown = host.tx;
    return this.database.owns(tx) ? tx : undefined;
  }

  private host(): TransactionHostLike | undefined {
    if (!this.transactional) return undefined;
    try {
      return this.transactional.TransactionHost.getInstance(this.options.ambientTransactions?.connectionName) as TransactionHostLike;
    } catch {
      return undefined; // installed, but not set up in this app (no ClsPluginTransactional for that connection)
    }
  }
}
