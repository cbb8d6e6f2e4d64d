/** The client store beside the token store: on the same Redis connection, or in memory. */
import type { Clock } from '../types.js';
import type { ClientStore } from './client-store.js';
import { MemoryClientStore } from './memory-client-store.js';
import { RedisClientStore } from './redis-client-store.js';
import { RedisStore } from './redis-store.js';
import type { TokenStore } from './token-store.js';

export function createClientStore(store: TokenStore, clock: Clock): ClientStore {
  return store instanceof RedisStore ? new RedisClientStore(store) : new MemoryClientStore(clock);
}
