import type { Queue } from 'bull';
import { BATCH_MARKS_KEY, JOB_STATES_SCRIPT, type JobState } from './job-states.script';

/**
 * What Redis holds for deliveries' jobs, read and kept in one round trip per call: where each
 * delivery's job stands, the remains of lost jobs, and which batch job holds a delivery (one
 * hash for the queue: a field per delivery costs Redis less than a key). Every key is under
 * the queue's prefix, so that a Redis Cluster keeps them on the node of the queue's slot.
 */
export class JobStates {
  constructor(private readonly queue: Queue) {}

  of(ids: readonly string[]): Promise<JobState[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.queue.client.eval(JOB_STATES_SCRIPT, 1, this.queue.toKey('delayed'), this.queue.toKey(''), ...ids) as Promise<JobState[]>;
  }

  /** Drops what is left of lost jobs (a bare hash, a stale lock), so that adding them again creates them afresh. */
  async forget(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.queue.client.del(...ids.flatMap((id) => [this.queue.toKey(id), this.queue.toKey(`${id}:lock`)]));
  }

  /** Marks the deliveries as held by the batch job `jobId` (added next). */
  async mark(jobId: string, ids: readonly string[]): Promise<void> {
    await this.queue.client.hset(this.queue.toKey(BATCH_MARKS_KEY), Object.fromEntries(ids.map((id) => [id, jobId])));
  }

  /**
   * Ends the marks of a batch job done with its deliveries. The marks of a job that ends
   * otherwise (removed by hand, say) count for nothing, and the state check drops them.
   */
  async unmark(ids: readonly string[]): Promise<void> {
    await this.queue.client.hdel(this.queue.toKey(BATCH_MARKS_KEY), ...ids);
  }
}
