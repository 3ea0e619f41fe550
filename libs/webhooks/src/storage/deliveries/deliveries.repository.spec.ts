import { resolveWebhooksOptions } from '../../options/resolved-options';
import { DeliveryStatus } from '../entities/delivery.entity';
import { DeliveriesRepository } from './deliveries.repository';
import type { DeliveriesStore } from './deliveries.store';
import type { AttemptGroup, ClaimedDelivery } from './delivery-records';

describe('DeliveriesRepository', () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  function deliveryNumber(n: number): ClaimedDelivery {
    return { id: `delivery-${n}`, eventId: 'event', endpointId: 'endpoint', tenantId: null, eventType: 'payment.verified', attemptCount: 0, leaseToken: `token-${n}` };
  }

  it('records attempts one statement at a time, and those that finish while it runs go together in the next', async () => {
    const statements: string[][] = [];
    const running: Array<() => void> = [];
    const store = {
      recordAttempts: (group: AttemptGroup) => {
        statements.push(group.held.map((delivery) => delivery.id));
        return new Promise<string[]>((resolve) => running.push(() => resolve([])));
      },
    } as unknown as DeliveriesStore;
    const repository = new DeliveriesRepository(store, resolveWebhooksOptions({}));
    const now = new Date();
    const record = (n: number) =>
      repository.recordAttempt(deliveryNumber(n), { status: 200, durationMs: 1, startedAt: now, requestHeaders: {} }, { status: DeliveryStatus.Succeeded }, now);

    const first = record(1);
    await turn();
    expect(statements).toEqual([['delivery-1']]);

    // Responses read in later turns, while the first statement runs, wait for it.
    const next = [record(2)];
    await turn();
    next.push(record(3));
    await turn();
    expect(statements).toHaveLength(1);

    running.shift()!();
    await expect(first).resolves.toBe(true);
    await turn();
    expect(statements).toEqual([['delivery-1'], ['delivery-2', 'delivery-3']]);
    running.shift()!();
    await expect(Promise.all(next)).resolves.toEqual([true, true]);
  });
});
