/** Real Redis for tests: the shared server on 127.0.0.1:6379 with a unique key prefix per run. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(label = 'test'): string {
  return `tgtest:${label}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under a prefix with an open client (hash-tagged keys included). */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Deletes every key under a prefix on the server at `url`. */
export async function cleanupPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    await deletePrefix(client, prefix);
  } finally {
    client.disconnect();
  }
}

/** Every key and value under a prefix, for tests that check what Redis holds. */
export async function dumpPrefix(prefix: string, url = REDIS_URL): Promise<Map<string, unknown>> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const out = new Map<string, unknown>();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      for (const key of keys) {
        const type = await client.type(key);
        if (type === 'string') out.set(key, await client.get(key));
        else if (type === 'hash') out.set(key, await client.hgetall(key));
        else if (type === 'set') out.set(key, await client.smembers(key));
        else if (type === 'zset') out.set(key, await client.zrange(key, 0, -1, 'WITHSCORES'));
        else out.set(key, type);
      }
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return out;
}
