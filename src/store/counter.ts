/**
 * Hit counters for rate limits: fixed windows that start at a key's first hit. Two
 * implementations keep one contract (test/store/counter.contract.ts): memory (this process) and
 * Redis (shared by every replica).
 */

export interface Hits {
  count: number;
  /** Epoch ms when the window ends. */
  resetAt: number;
}

export interface Counter {
  /** Counts one hit on `key` in its window of `windowMs`; rejects when the backend cannot count. */
  increment(key: string, windowMs: number): Promise<Hits>;
  /** True when every replica counts in the same place. */
  readonly shared: boolean;
}
