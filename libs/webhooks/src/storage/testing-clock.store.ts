import { Inject, Injectable } from '@nestjs/common';
import { In, IsNull, Not, type EntityManager } from 'typeorm';
import type { TransactionRunner } from './dialect/transaction-runner';
import { WebhookDelivery } from './entities/delivery.entity';
import { WebhookEndpoint } from './entities/endpoint.entity';
import { ATTEMPTABLE_STATUSES } from './deliveries/delivery-records';
import { WEBHOOKS_TRANSACTIONS } from './storage.providers';

/**
 * The clock of the testing kit (`WebhooksTesting.advance` in `nestjs-webhooks/testing`): time
 * passes for the library when what it waits for moves into the past. Only the kit uses it.
 */
@Injectable()
export class TestingClockStore {
  constructor(@Inject(WEBHOOKS_TRANSACTIONS) private readonly transactions: TransactionRunner) {}

  /**
   * Moves back by `ms` every waiting delivery's next attempt (a lease's end too), every open
   * circuit's end and every failure streak's start, in one transaction.
   */
  async advance(ms: number): Promise<void> {
    await this.transactions.run(async (manager) => {
      await this.advanceDeliveries(manager, ms);
      await this.advanceEndpoints(manager, ms);
    });
  }

  // NOTE: read and written back row by row, so that each database gets its dates from
  // JavaScript rather than from date arithmetic in three SQL dialects; tests hold few rows.
  private async advanceDeliveries(manager: EntityManager, ms: number): Promise<void> {
    const waiting = await manager.find(WebhookDelivery, {
      select: { id: true, nextAttemptAt: true },
      where: { status: In(ATTEMPTABLE_STATUSES), nextAttemptAt: Not(IsNull()) },
    });
    for (const { id, nextAttemptAt } of waiting) {
      await manager.update(WebhookDelivery, { id }, { nextAttemptAt: earlier(nextAttemptAt, ms) });
    }
  }

  private async advanceEndpoints(manager: EntityManager, ms: number): Promise<void> {
    const timed = await manager.find(WebhookEndpoint, {
      select: { id: true, circuitOpenUntil: true, failingSince: true },
      where: [{ circuitOpenUntil: Not(IsNull()) }, { failingSince: Not(IsNull()) }],
      withDeleted: true,
    });
    for (const { id, circuitOpenUntil, failingSince } of timed) {
      await manager.update(WebhookEndpoint, { id }, { circuitOpenUntil: earlier(circuitOpenUntil, ms), failingSince: earlier(failingSince, ms) });
    }
  }
}

function earlier(date: Date | null, ms: number): Date | null {
  return date && new Date(date.getTime() - ms);
}
