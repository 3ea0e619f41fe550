import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { InjectWebhooksDataSource } from './data-source.provider';

/** What the rest of the library may know of its DataSource: whether it answers, and whether a manager is its own. */
@Injectable()
export class LibraryDatabase {
  constructor(@InjectWebhooksDataSource() private readonly dataSource: DataSource) {}

  /** Resolves when the database answers a trivial query. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** Whether `manager` works on the library's DataSource (a transaction of the host's on another one is not). */
  owns(manager: unknown): manager is EntityManager {
    return (manager as Partial<EntityManager> | null | undefined)?.connection === this.dataSource;
  }
}
