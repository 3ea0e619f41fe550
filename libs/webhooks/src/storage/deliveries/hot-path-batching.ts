/** How the worker's statements of the hot path share round trips (`MicroBatcher` limits). */

/**
 * Claims, reads, attempt records and postponements of concurrent attempts share statements: at
 * most 100 deliveries a statement, a few statements of a kind at a time (what comes while they
 * run waits for the next, so batches grow with the load). One at a time made each kind a
 * queue of its own: a claim takes two round trips, and claims alone capped the worker.
 */
export const HOT_PATH_BATCHING = { maxBatch: 100, maxInFlight: 4 };
/**
 * Records and postponements follow responses, which arrive one per callback: gathered over a
 * turn of the event loop, 7 attempts a record statement in the throughput benchmark went to 15.
 * Claims are not: a claim waits for nothing but its tick, since under load a turn is long (so
 * gathered, claims made the p50 at 1,000 events/s 6 → 11 ms, for 13 % fewer claim statements).
 */
export const TURN_BATCHING = { ...HOT_PATH_BATCHING, gather: 'turn' as const };
/**
 * Attempt records, one statement at a time: what finishes while it runs goes in the next. A
 * record is one round trip, and only the delivery's own next step waits for it (its job's end,
 * its place among a batch job's deliveries), so more in flight only split the same records into
 * more statements: with 4, 13 attempts a statement in the throughput benchmark and 13 in the
 * fan-out; with 1, 28 and 31, half the statements and half their planning. Full batches of 100
 * at one a time still record 10,000 attempts/s through statements of 10 ms.
 */
export const RECORD_BATCHING = { ...TURN_BATCHING, maxInFlight: 1 };
