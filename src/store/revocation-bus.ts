/**
 * Revocation events through Redis pub/sub. The subscriber has its own connection; listeners hear
 * `live(false)` whenever it is not subscribed (a token cache then flushes and bypasses itself, so
 * a lost message can never stretch staleness), and `live(true)` once it is again.
 */
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './redis-connection.js';
import type { RevocationEvents, RevocationListener } from './revocation-events.js';

export interface RevocationBusDeps {
  client: RedisClient;
  /** Key prefix of the store; the channel lives under it so deployments sharing a Redis stay apart. */
  prefix: string;
  onError(err: unknown): void;
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

export function createRevocationBus(deps: RevocationBusDeps): RevocationEvents {
  const { client } = deps;
  const channel = revocationChannel(deps.prefix);
  // Named so an operator (or a test) can find this replica's subscriber in CLIENT LIST.
  const options = { connectionName: `tollgate-sub:${deps.prefix.replace(/[^A-Za-z0-9:._-]/g, '_')}`, autoResubscribe: false };
  const sub: RedisClient = client instanceof Cluster ? client.duplicate([], { redisOptions: { ...client.options.redisOptions, ...options } }) : (client as Redis).duplicate(options);
  const listeners: RevocationListener[] = [];
  let subscribed = false;
  let closed = false;
  let pending: string[] = [];

  const setLive = (up: boolean) => {
    subscribed = up;
    for (const listener of listeners) listener.live(up);
  };
  const down = () => setLive(false);
  sub.on('error', deps.onError);
  sub.on('close', down);
  sub.on('ready', () => {
    sub.subscribe(channel).then(
      () => {
        if (closed) return;
        setLive(true);
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
    const age = Math.max(0, Date.now() - message.t) / 1000;
    for (const listener of listeners) for (const id of message.ids) listener.revoked(id, age);
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
    subscribe(listener) {
      listeners.push(listener);
      listener.live(subscribed);
    },
    async close() {
      closed = true;
      down();
      if (pending.length > 0) send();
      sub.disconnect();
    },
  };
}
