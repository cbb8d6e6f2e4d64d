/** Counting in this process. Bounded without a cliff: two generations of keys, the older dropped whole. */
import { systemClock, type Clock } from '../types.js';
import type { Counter, Hits } from './counter.js';

const GENERATION_SIZE = 50_000;

export function createMemoryCounter(clock: Clock = systemClock): Counter {
  let current = new Map<string, Hits>();
  let previous = new Map<string, Hits>();

  return {
    shared: false,
    async increment(key, windowMs) {
      const now = clock();
      let hits = current.get(key);
      if (!hits) {
        hits = previous.get(key);
        previous.delete(key);
      }
      if (!hits || hits.resetAt <= now) hits = { count: 0, resetAt: now + windowMs };
      hits.count++;
      current.set(key, hits);
      if (current.size >= GENERATION_SIZE) {
        previous = current;
        current = new Map();
      }
      return { count: hits.count, resetAt: hits.resetAt };
    },
  };
}
