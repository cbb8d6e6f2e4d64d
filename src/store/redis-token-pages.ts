/**
 * Pages of an app's token index (redis-app-index.ts): the legacy zset first, so what the release
 * before this one indexed lists, then the buckets holding ids in fill order, each by (createdAt, id). The
 * cursor names the position (legacy or bucket, createdAt, id); a cursor of the release before this
 * one (createdAt, id) is a position in the legacy zset.
 */
import type { RedisAppIndex } from './redis-app-index.js';
import type { RedisClient } from './redis-connection.js';
import { DROP } from './app-index-scripts.js';
import { PAGE } from './redis-scripts.js';

/** An index entry and where it is: a bucket number, or null for the legacy zset. */
export interface IndexEntry {
  bucket: number | null;
  createdAt: number;
  id: string;
}

/** Buckets fetched per round trip at first (a page of 100 usually needs one or two); doubled up to MAX_BATCH. */
const FIRST_BATCH = 2;
const MAX_BATCH = 64;

export function encodeIndexCursor(e: IndexEntry): string {
  return Buffer.from(`${e.bucket ?? 'L'}:${e.createdAt}:${e.id}`).toString('base64url');
}

export function decodeIndexCursor(cursor: string): IndexEntry | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^(?:(L|\d{1,9}):)?(\d{1,16}):(tok_[A-Za-z0-9_-]{1,64})$/.exec(text);
  if (!m) return null;
  return { bucket: m[1] === undefined || m[1] === 'L' ? null : Number(m[1]), createdAt: Number(m[2]), id: m[3]! };
}

const after = (e: IndexEntry, at: IndexEntry) => e.createdAt > at.createdAt || (e.createdAt === at.createdAt && e.id > at.id);

/** Up to `count` entries after `from` (from the start when null), in listing order. */
export async function readIndex(client: RedisClient, index: RedisAppIndex, app: string, from: IndexEntry | null, count: number): Promise<IndexEntry[]> {
  const out: IndexEntry[] = [];
  if (!from || from.bucket === null) {
    const flat = (await PAGE.run(client, [index.legacyKey(app)], [from ? from.createdAt : '', from ? from.id : '', count])) as string[];
    for (let i = 0; i < flat.length; i += 2) out.push({ bucket: null, id: flat[i]!, createdAt: Number(flat[i + 1]) });
  }
  let n = from?.bucket ?? 0;
  for (let batch = FIRST_BATCH; out.length < count; batch = Math.min(batch * 2, MAX_BATCH)) {
    const numbers = await index.occupied(app, n, batch);
    if (numbers.length === 0) break;
    const replies = await Promise.all(numbers.map((b) => client.zrange(index.bucketKey(app, b), 0, -1, 'WITHSCORES')));
    replies.forEach((flat, i) => {
      for (let j = 0; j < flat.length; j += 2) {
        const entry = { bucket: numbers[i]!, id: flat[j]!, createdAt: Number(flat[j + 1]) };
        if (out.length < count && (!from || from.bucket !== entry.bucket || after(entry, from))) out.push(entry);
      }
    });
    n = numbers[numbers.length - 1]! + 1;
  }
  return out;
}

/** Removes entries found dangling or revoked, each from the structure holding it. */
export async function dropEntries(client: RedisClient, index: RedisAppIndex, app: string, entries: IndexEntry[]): Promise<void> {
  const legacy: string[] = [];
  const byBucket = new Map<number, string[]>();
  for (const e of entries) {
    if (e.bucket === null) legacy.push(e.id);
    else byBucket.set(e.bucket, [...(byBucket.get(e.bucket) ?? []), e.id]);
  }
  const drops = [...byBucket].map(([n, ids]) => DROP.run(client, [index.bucketKey(app, n), index.occupiedKey(app)], [n, ...ids]));
  if (legacy.length > 0) drops.push(client.zrem(index.legacyKey(app), ...legacy));
  await Promise.all(drops);
}
