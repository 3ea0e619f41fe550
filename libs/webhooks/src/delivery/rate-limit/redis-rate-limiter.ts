import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { RATE_WINDOW_MS, RateLimiter, type RateDecision } from './rate-limiter';

// One sorted set per endpoint, scored by send time on Redis's clock (so workers on hosts
// with skewed clocks agree). Atomic in Redis, so every worker on the same Redis shares the
// window. Returns 0 when reserved, else the ms until a slot frees.
const RESERVE_SCRIPT = `
local key, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return 0
end
local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/** The sliding window kept in Redis, shared by every worker (Bull mode). */
export class RedisRateLimiter extends RateLimiter {
  /** Keys live beside the queue's, under its prefix; its client runs the script. */
  constructor(private readonly queue: Queue) {
    super();
  }

  async reserve(endpointId: string, limit: number, now: Date): Promise<RateDecision> {
    const key = this.queue.toKey(`rate:${endpointId}`);
    const waitMs = Number(await this.queue.client.eval(RESERVE_SCRIPT, 1, key, RATE_WINDOW_MS, limit, randomUUID()));
    return waitMs === 0 ? { kind: 'go' } : { kind: 'wait', until: new Date(now.getTime() + waitMs) };
  }
}
