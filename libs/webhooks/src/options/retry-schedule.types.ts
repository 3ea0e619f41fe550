/** A retry schedule given as the delay before each attempt (attempt 1 first). */
export interface RetryDelaysSchedule {
  /** Milliseconds to wait before attempt 1, 2, 3, ... (0 to 7 days each); its length (1 to 50) is the number of attempts. */
  delaysMs: number[];
}

/** A retry schedule given as exponential backoff. */
export interface ExponentialRetrySchedule {
  /** Delay before the second attempt, in milliseconds (the first one is immediate); 0 to 7 days. */
  baseMs: number;
  /** Each later delay is the previous one times this factor, 1 to 10. Default 2. */
  factor?: number;
  /** Total number of attempts, the first one included; 1 to 50. */
  maxAttempts: number;
  /** No single delay grows beyond this many milliseconds (at most 7 days, which is also the bound without it). */
  capMs?: number;
}

export type RetrySchedule = RetryDelaysSchedule | ExponentialRetrySchedule;
