/** Picks the token store the config asks for (alone, for tools such as `admin bootstrap`; the gateway uses backend.ts). */
import { storeDriver } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../types.js';
import { MemoryStore } from './memory-store.js';
import { createRedisClient } from './redis-connection.js';
import { RedisStore, type StoreHooks } from './redis-store.js';
import type { TokenStore } from './token-store.js';

export function createStore(config: Config, clock: Clock, hooks: StoreHooks = {}): TokenStore {
  return storeDriver(config) === 'memory' ? new MemoryStore(clock) : createRedisStore(config, hooks);
}

export function createRedisStore(config: Config, hooks: StoreHooks = {}): RedisStore {
  const client = createRedisClient({ ...config.store, driver: 'redis' });
  // Errors surface per command as StoreUnavailableError; the connection's own events only need a listener.
  client.on('error', (err: unknown) => hooks.onError?.('connection', err));
  return new RedisStore(client, config.store.keyPrefix, { readDeadlineMs: config.store.timeout, layout: config.store.recordLayout, ...hooks });
}
