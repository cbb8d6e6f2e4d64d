/**
 * The one way in to state: the backend the config asks for, with everything the rest of tollgate
 * needs from it. Nothing outside src/store/ knows which backend it has; `shared` says whether
 * other replicas see the same state (and so whether a local token cache needs revocation events).
 */
import { storeDriver } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../types.js';
import type { ClientStore } from './client-store.js';
import type { Counter } from './counter.js';
import { MemoryClientStore } from './memory-client-store.js';
import { createMemoryCounter } from './memory-counter.js';
import { MemoryStore } from './memory-store.js';
import { createRedisStore } from './create-store.js';
import { createRedisClient } from './redis-connection.js';
import { RedisClientStore } from './redis-client-store.js';
import { createRedisCounter } from './redis-counter.js';
import type { RedisStore, StoreHooks } from './redis-store.js';
import { createRevocationBus } from './revocation-bus.js';
import { createLocalRevocationEvents, type RevocationEvents } from './revocation-events.js';
import type { TokenStore } from './token-store.js';
import { upgradeTokenRecords } from './upgrade-token-records.js';

export interface StoreBackend {
  /** True when every replica sees this state (Redis); false for one process (memory). */
  readonly shared: boolean;
  tokens: TokenStore;
  clients: ClientStore;
  /** Rate-limit counters. */
  counter: Counter;
  revocations: RevocationEvents;
  /**
   * Resolves once token records written by an older release are rewritten in this release's
   * layout (how many; 0 when there was nothing to do or the store is not shared). Never rejects.
   */
  upgraded: Promise<number>;
  close(): Promise<void>;
}

export function createBackend(config: Config, clock: Clock, hooks: StoreHooks = {}): StoreBackend {
  if (storeDriver(config) === 'memory') {
    const tokens = new MemoryStore(clock);
    const revocations = createLocalRevocationEvents();
    return { shared: false, tokens, clients: new MemoryClientStore(clock), counter: createMemoryCounter(clock), revocations, upgraded: Promise.resolve(0), close: () => tokens.close() };
  }
  const tokens = createRedisStore(config, hooks);
  // Counting gets its own connection so a burst of counting never queues behind token lookups.
  const counting = createRedisClient({ ...config.store, driver: 'redis' });
  // Failures surface per command; the token connection already reports connection errors.
  counting.on('error', () => {});
  const revocations = createRevocationBus({ client: tokens.client, prefix: config.store.keyPrefix, onError: (err) => hooks.onError?.('revocationBus', err) });
  const stopUpgrade = new AbortController();
  // Only once every replica reads a layout may records be rewritten in it (store.recordLayout).
  const target = config.store.recordLayout;
  const upgraded = target === 'v1' ? Promise.resolve(0) : upgradeWhenReady(tokens, target, stopUpgrade.signal, hooks);
  return {
    shared: true,
    tokens,
    clients: new RedisClientStore(tokens),
    counter: createRedisCounter(counting, config.store.keyPrefix),
    revocations,
    upgraded,
    async close() {
      stopUpgrade.abort();
      await upgraded;
      await revocations.close();
      await counting.quit().catch(() => counting.disconnect());
      await tokens.close();
    },
  };
}

/** Off the start's critical path: readers accept every layout, so serving need not wait for it. */
async function upgradeWhenReady(tokens: RedisStore, target: 'v2' | 'v3', signal: AbortSignal, hooks: StoreHooks): Promise<number> {
  while (!signal.aborted && !(await tokens.ready(250)));
  if (signal.aborted) return 0;
  try {
    return await upgradeTokenRecords(tokens, target, signal);
  } catch (err) {
    hooks.onError?.('upgradeTokenRecords', err);
    return 0;
  }
}
