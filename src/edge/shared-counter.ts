/** A fixed-window hit counter in Redis for one window length, through rate-limit-redis' store. */
import type { Options } from 'express-rate-limit';
import { Cluster } from 'ioredis';
import { RedisStore, type RedisReply, type SendCommandClusterDetails } from 'rate-limit-redis';
import type { RedisClient } from '../store/redis-connection.js';

export interface Hits {
  count: number;
  /** Epoch ms when the window ends. */
  resetAt: number;
}

function sender(client: RedisClient): (details: SendCommandClusterDetails) => Promise<RedisReply> {
  return async ({ command }) => {
    const [name, ...args] = command as [string, ...string[]];
    // A script must be loaded where its key lives; in a Cluster that is any master.
    if (client instanceof Cluster && name.toUpperCase() === 'SCRIPT') {
      const replies = await Promise.all(client.nodes('master').map((node) => node.call(name, ...args)));
      return replies[0] as RedisReply;
    }
    return (await client.call(name, ...args)) as RedisReply;
  };
}

export class SharedCounter {
  private readonly store: RedisStore;
  private loaded: Promise<void> | null = null;

  constructor(client: RedisClient, prefix: string, private readonly windowMs: number) {
    this.store = new RedisStore({ sendCommandCluster: sender(client), prefix });
  }

  /** Counts one hit; rejects when Redis does not answer (the caller falls back). */
  async increment(key: string): Promise<Hits> {
    // The store loads its scripts once in init(); a failed load (Redis down) is retried on the next hit.
    this.loaded ??= this.store.init({ windowMs: this.windowMs } as Options).catch((err: unknown) => {
      this.loaded = null;
      throw err;
    });
    await this.loaded;
    const { totalHits, resetTime } = await this.store.increment(key);
    return { count: totalHits, resetAt: resetTime?.getTime() ?? Date.now() + this.windowMs };
  }
}
