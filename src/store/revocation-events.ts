/**
 * Revocation events: every replica hears of every revocation, so local token caches drop an
 * entry at once instead of waiting out `maxStaleness`. Two implementations: in this process
 * (memory store) and Redis pub/sub (revocation-bus.ts). Listeners also learn whether the feed is
 * live: while it is not, a lost event is possible and caches must not serve.
 */

export interface RevocationListener {
  /** A token was revoked on some replica `ageSeconds` ago (publish to delivery). */
  revoked(tokenId: string, ageSeconds: number): void;
  /** The feed went live (every later revocation will be heard) or dropped. Called at subscribe with the current state. */
  live(up: boolean): void;
}

export interface RevocationEvents {
  /** Announces a revoked token id to every replica (batched per event-loop turn). */
  publish(tokenId: string): void;
  subscribe(listener: RevocationListener): void;
  close(): Promise<void>;
}

/** One process: events go straight to the listeners, and the feed is always live. */
export function createLocalRevocationEvents(): RevocationEvents {
  const listeners: RevocationListener[] = [];
  return {
    publish(tokenId) {
      for (const listener of listeners) listener.revoked(tokenId, 0);
    },
    subscribe(listener) {
      listeners.push(listener);
      listener.live(true);
    },
    async close() {},
  };
}
