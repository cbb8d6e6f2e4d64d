/**
 * Revocations pushed to every replica through Redis pub/sub, so local token caches drop an entry
 * within milliseconds instead of waiting out `maxStaleness`. The subscriber has its own
 * connection; while it is not subscribed the cache is flushed and bypassed, so a lost message can
 * never stretch staleness (and the cache's own age bound holds regardless).
 */
import { Cluster, type Redis } from 'ioredis';
import type { TokenCache } from '../tokens/token-cache.js';
import type { RedisClient } from './redis-connection.js';

export interface RevocationBusDeps {
  client: RedisClient;
  /** Key prefix of the store; the channel lives under it so deployments sharing a Redis stay apart. */
  prefix: string;
  cache: TokenCache;
  /** Seconds from a peer's publish to the local eviction. */
  onPropagation(seconds: number): void;
  onError(err: unknown): void;
}

export interface RevocationBus {
  /** Announces a revoked token id to every replica (batched per event-loop turn). */
  publish(tokenId: string): void;
  /** True while the subscription is live and the cache is in use. */
  readonly subscribed: boolean;
  close(): Promise<void>;
}

interface Message {
  /** Publish time, epoch ms. */
  t: number;
  ids: string[];
}

function parse(text: string): Message | null {
  try {
    const value = JSON.parse(text) as Partial<Message>;
    return typeof value.t === 'number' && Array.isArray(value.ids) ? (value as Message) : null;
  } catch {
    return null;
  }
}

export function revocationChannel(prefix: string): string {
  return `${prefix}revocations`;
}

export function createRevocationBus(deps: RevocationBusDeps): RevocationBus {
  const { client, cache } = deps;
  const channel = revocationChannel(deps.prefix);
  // Named so an operator (or a test) can find this replica's subscriber in CLIENT LIST.
  const options = { connectionName: `tollgate-sub:${deps.prefix.replace(/[^A-Za-z0-9:._-]/g, '_')}`, autoResubscribe: false };
  const sub: RedisClient = client instanceof Cluster ? client.duplicate([], { redisOptions: { ...client.options.redisOptions, ...options } }) : (client as Redis).duplicate(options);
  let subscribed = false;
  let closed = false;
  let pending: string[] = [];

  const down = () => {
    subscribed = false;
    cache.setEnabled(false);
  };
  cache.setEnabled(false);
  sub.on('error', deps.onError);
  sub.on('close', down);
  sub.on('ready', () => {
    sub.subscribe(channel).then(
      () => {
        if (closed) return;
        subscribed = true;
        cache.setEnabled(true);
      },
      (err: unknown) => {
        deps.onError(err);
        sub.disconnect(true);
      },
    );
  });
  sub.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    const message = parse(text);
    if (!message) return;
    for (const id of message.ids) cache.evict(id);
    deps.onPropagation(Math.max(0, Date.now() - message.t) / 1000);
  });

  function send(): void {
    const ids = pending;
    pending = [];
    client.publish(channel, JSON.stringify({ t: Date.now(), ids } satisfies Message)).catch(deps.onError);
  }

  return {
    publish(tokenId) {
      if (pending.length === 0) setImmediate(send);
      pending.push(tokenId);
    },
    get subscribed() {
      return subscribed;
    },
    async close() {
      closed = true;
      down();
      if (pending.length > 0) send();
      sub.disconnect();
    },
  };
}
