/**
 * App records as the token service reads them on every grant, kept for `revocation.maxStaleness`:
 * an app's scopes are then read from the store about once a second, not once a grant. A scope
 * removed from an app stops being granted within that staleness, the bound every replica already
 * has for revocations; a deleted app gets no token at all, whatever is cached, because the store
 * refuses to write tokens of a closed app.
 */
import type { TokenStore } from '../store/token-store.js';
import type { AppRecord, Clock } from '../types.js';

export interface AppCache {
  get(id: string): Promise<AppRecord | null>;
}

/** Apps are few; past this many, the older generation of entries is dropped whole. */
const GENERATION_SIZE = 1_000;

interface Entry {
  read: Promise<AppRecord | null>;
  until: number;
}

export function createAppCache(store: TokenStore, maxAgeMs: number, clock: Clock): AppCache {
  let current = new Map<string, Entry>();
  let previous = new Map<string, Entry>();

  return {
    get(id) {
      const now = clock();
      const hit = current.get(id) ?? previous.get(id);
      if (hit && hit.until > now) return hit.read;
      // Concurrent grants share the one read in flight; a failed or empty read is not kept.
      const entry: Entry = { read: store.getApp(id), until: now + maxAgeMs };
      entry.read.then(
        (app) => {
          if (!app && current.get(id) === entry) current.delete(id);
        },
        () => {
          if (current.get(id) === entry) current.delete(id);
        },
      );
      current.set(id, entry);
      if (current.size >= GENERATION_SIZE) {
        previous = current;
        current = new Map();
      }
      return entry.read;
    },
  };
}
