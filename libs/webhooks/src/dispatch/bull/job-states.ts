import type { Queue } from 'bull';
import { BATCH_MARK_SUFFIX, JOB_STATES_SCRIPT, MARK_BATCH_SCRIPT, type JobState } from './job-states.script';

/** How long a requeued delivery's mark lasts at most (its batch job ends it; one gone does too). */
const BATCH_MARK_TTL_MS = 60 * 60_000;

/**
 * What Redis holds for deliveries' jobs, read and kept in one round trip per call: where each
 * delivery's job stands, the remains of lost jobs, and the marks of requeued batch jobs. Each
 * script names one key, so that a Redis Cluster runs it on the node of the queue's slot.
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
    await this.queue.client.eval(MARK_BATCH_SCRIPT, 1, this.queue.toKey(jobId), this.queue.toKey(''), jobId, BATCH_MARK_TTL_MS, ...ids);
  }

  /** Ends the marks of a batch job done with its deliveries. */
  async unmark(ids: readonly string[]): Promise<void> {
    await this.queue.client.del(...ids.map((id) => this.queue.toKey(id + BATCH_MARK_SUFFIX)));
  }
}
