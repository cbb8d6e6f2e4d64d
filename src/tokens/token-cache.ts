/**
 * A per-replica cache of token records, so a known token costs no store round trip.
 * Bounded by count and approximate bytes (LRU); an entry is never served once it is older than
 * `maxStaleness`, counted from when its store read *started*, so a read racing a revocation can
 * never outlive the staleness bound. Unknown ids are cached for a much shorter time, and every
 * invalidation bumps an epoch so a read that was in flight during it is not stored.
 */
import type { Clock, Principal, TokenRecord } from '../types.js';
import { principalOf } from './principal.js';

export interface TokenCacheOptions {
  /** Upper bound on an entry's age (ms): `revocation.maxStaleness`. */
  maxStaleness: number;
  maxEntries?: number;
  maxBytes?: number;
  /** How long an unknown id is remembered (ms); kept well under `maxStaleness`. */
  negativeTtl?: number;
  /** Told whether each lookup was served from the cache. */
  onLookup?: (hit: boolean) => void;
}

interface Entry {
  record: TokenRecord | null;
  /** Built once per entry, so a hit allocates nothing. */
  principal: Principal | null;
  expires: number;
  bytes: number;
}

/** A fresh cached record of a token that is neither revoked nor expired, with its Principal. */
export interface LiveToken {
  record: TokenRecord;
  principal: Principal;
}

/** What `get` knows: a record, a remembered "no such token", or nothing (ask the store). */
export type CacheLookup = TokenRecord | null | undefined;

export interface TokenCache {
  get(id: string): CacheLookup;
  /**
   * The synchronous hit path: a fresh entry whose record is live at `now` (counted as a hit), else
   * undefined without counting, since the caller then goes through `get`, which counts.
   */
  live(id: string, now: number): LiveToken | undefined;
  /** Stores a store read that began at `readStartedAt` under epoch `epoch`; dropped if either is stale. */
  set(id: string, record: TokenRecord | null, readStartedAt: number, epoch: number): void;
  /** The current invalidation epoch, to be passed back to `set`. */
  epoch(): number;
  evict(id: string): void;
  flush(): void;
  /** While disabled (revocation feed down) nothing is served or stored. */
  setEnabled(enabled: boolean): void;
  readonly size: number;
  readonly bytes: number;
}

const DEFAULT_ENTRIES = 100_000;
const DEFAULT_BYTES = 64 * 1024 * 1024;
/** Fixed overhead of an entry, its Map slot and its record object (measured roughly on Node 20). */
const ENTRY_OVERHEAD = 360;

function sizeOf(id: string, record: TokenRecord | null): number {
  if (!record) return ENTRY_OVERHEAD / 2 + id.length;
  let bytes = ENTRY_OVERHEAD + id.length * 2 + (record.hash?.length ?? 0) + record.name.length + record.app.length + record.subject.length + record.createdBy.length;
  for (const scope of record.scopes) bytes += scope.length + 16;
  if (record.clientId !== undefined) bytes += record.clientId.length;
  return bytes;
}

export function createTokenCache(options: TokenCacheOptions, clock: Clock): TokenCache {
  const maxEntries = options.maxEntries ?? DEFAULT_ENTRIES;
  const maxBytes = options.maxBytes ?? DEFAULT_BYTES;
  const ttl = options.maxStaleness;
  const onLookup = options.onLookup;
  const negativeTtl = Math.min(options.negativeTtl ?? 250, Math.floor(ttl / 4));
  // A Map iterates in insertion order: re-inserting on a hit makes its first key the least recently used.
  const entries = new Map<string, Entry>();
  let bytes = 0;
  let epoch = 0;
  let enabled = true;

  function drop(id: string, entry: Entry): void {
    entries.delete(id);
    bytes -= entry.bytes;
  }

  function flush(): void {
    epoch++;
    entries.clear();
    bytes = 0;
  }

  return {
    get(id) {
      const entry = enabled ? entries.get(id) : undefined;
      if (entry && entry.expires <= clock()) drop(id, entry);
      else if (entry) {
        entries.delete(id);
        entries.set(id, entry);
        onLookup?.(true);
        return entry.record;
      }
      onLookup?.(false);
      return undefined;
    },

    live(id, now) {
      const entry = enabled ? entries.get(id) : undefined;
      if (!entry || entry.expires <= now || entry.principal === null) return undefined;
      const record = entry.record!;
      if (record.revokedAt !== undefined || (record.expiresAt !== null && record.expiresAt <= now)) return undefined;
      entries.delete(id);
      entries.set(id, entry);
      onLookup?.(true);
      return entry as LiveToken;
    },

    set(id, record, readStartedAt, readEpoch) {
      if (!enabled || readEpoch !== epoch) return;
      const expires = readStartedAt + (record ? ttl : negativeTtl);
      if (expires <= clock()) return;
      const prior = entries.get(id);
      if (prior) drop(id, prior);
      const entry: Entry = { record, principal: record && principalOf(record), expires, bytes: sizeOf(id, record) };
      entries.set(id, entry);
      bytes += entry.bytes;
      for (const [oldest, old] of entries) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break;
        drop(oldest, old);
      }
    },

    epoch: () => epoch,

    evict(id) {
      epoch++;
      const entry = entries.get(id);
      if (entry) drop(id, entry);
    },

    flush,

    setEnabled(next) {
      flush();
      enabled = next;
    },

    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
