/** ioredis clients that fail fast: no offline queue, a command timeout, bounded retries. */
import { Redis, Cluster, type RedisOptions } from 'ioredis';
import type { StoreConfig } from '../config/schema.js';

export type RedisClient = Redis | Cluster;

/** Options shared by every connection; ioredis' defaults would queue commands and hang requests. */
function baseOptions(store: StoreConfig): RedisOptions {
  return {
    enableOfflineQueue: false,
    commandTimeout: store.timeout,
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(1_000, store.timeout * 4),
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 5), 1_000),
    // A replica promoted by Sentinel answers READONLY until we reconnect to the new master.
    reconnectOnError: (err: Error) => err.message.startsWith('READONLY'),
    // A command auto-pipelined behind a stalled pipeline starts its commandTimeout only once that
    // pipeline fails; the token read has its own deadline (RedisStore) for that reason.
    enableAutoPipelining: true,
    ...(store.redis?.password ? { password: store.redis.password } : {}),
  };
}

/** A client for a single server, a Sentinel-managed master, or a Cluster, as the config says. */
export function createRedisClient(store: StoreConfig): RedisClient {
  const options = baseOptions(store);
  const topology = store.redis;
  if (topology?.cluster) {
    return new Cluster(topology.cluster, {
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      clusterRetryStrategy: (times: number) => Math.min(100 * times, 1_000),
      redisOptions: options,
    });
  }
  if (topology?.sentinels) {
    // failoverDetector: follow +switch-master at once instead of writing to a demoted master until it says READONLY.
    return new Redis({ ...options, sentinels: topology.sentinels, name: topology.name!, failoverDetector: true });
  }
  return new Redis(store.url!, options);
}
