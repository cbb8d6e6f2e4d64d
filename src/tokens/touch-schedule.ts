/**
 * When a replica writes a token's use to the store. Writes are coalesced per token, at most one
 * per spacing; for a sliding token the spacing is at most a quarter of its ttl, so a token used at
 * least once per ttl/2 never expires: the last write before any use is at most spacing + ttl/2 =
 * 3/4 ttl old, leaving a quarter of the ttl for that write to land (config: store.timeout < 15 s,
 * tokens.ttl >= 60 s). A failed write is retried after a backoff that starts at one second and
 * doubles up to the spacing, so a slow store is not sent a write on every request.
 */
import type { TokenRecord } from '../types.js';

const FIRST_BACKOFF_MS = 1_000;
/** Entries per generation; two generations are kept, the older dropped whole when the newer fills. */
const GENERATION_SIZE = 50_000;

/** Minimum time between two writes of one token's use. */
export function touchSpacing(record: Pick<TokenRecord, 'ttl' | 'sliding'>, touchInterval: number): number {
  return record.sliding ? Math.min(touchInterval, Math.floor(record.ttl / 4)) : touchInterval;
}

interface Entry {
  /** Earliest time of the next write. */
  next: number;
  spacing: number;
  failures: number;
}

export interface TouchSchedule {
  /** True when a write of this use is due now; it is then counted as sent. */
  due(record: TokenRecord, now: number): boolean;
  /** The write landed (or found nothing to touch). */
  succeeded(id: string): void;
  /** The write failed: the next one waits out a backoff. */
  failed(id: string, now: number): void;
  readonly size: number;
}

export function createTouchSchedule(touchInterval: number): TouchSchedule {
  // Two generations, as express-rate-limit's memory store keeps them: a full one is retired whole
  // instead of cleared, so forgetting costs one early write per token, spread over its next uses.
  let current = new Map<string, Entry>();
  let previous = new Map<string, Entry>();

  function get(id: string): Entry | undefined {
    const entry = current.get(id);
    if (entry) return entry;
    const old = previous.get(id);
    if (old) {
      previous.delete(id);
      put(id, old);
    }
    return old;
  }

  function put(id: string, entry: Entry): void {
    current.set(id, entry);
    if (current.size >= GENERATION_SIZE) {
      previous = current;
      current = new Map();
    }
  }

  return {
    due(record, now) {
      const entry = get(record.id);
      const spacing = touchSpacing(record, touchInterval);
      // Another replica's write counts too: it is in the record as lastUsedAt.
      const next = Math.max(entry?.next ?? 0, (record.lastUsedAt ?? -Infinity) + spacing);
      if (now < next) return false;
      put(record.id, { next: now + spacing, spacing, failures: entry?.failures ?? 0 });
      return true;
    },

    succeeded(id) {
      const entry = get(id);
      if (entry) entry.failures = 0;
    },

    failed(id, now) {
      const entry = get(id);
      if (!entry) return;
      entry.failures++;
      entry.next = now + Math.min(entry.spacing, FIRST_BACKOFF_MS * 2 ** (entry.failures - 1));
    },

    get size() {
      return current.size + previous.size;
    },
  };
}
