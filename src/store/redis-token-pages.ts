/**
 * Pages of an app's token index (redis-app-index.ts): the legacy zset first, so what the release
 * before this one indexed lists, then buckets 0..head in fill order, each by (createdAt, id). The
 * cursor names the position (legacy or bucket, createdAt, id); a cursor of the release before this
 * one (createdAt, id) is a position in the legacy zset.
 */
import type { RedisAppIndex } from './redis-app-index.js';
import type { RedisClient } from './redis-connection.js';
import { PAGE } from './redis-scripts.js';

/** An index entry and where it is: a bucket number, or null for the legacy zset. */
export interface IndexEntry {
  bucket: number | null;
  createdAt: number;
  id: string;
}

/** Buckets fetched per round trip at first; doubled up to MAX_BATCH so long runs of emptied buckets cost few round trips. */
const FIRST_BATCH = 4;
const MAX_BATCH = 128;

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
  const head = await index.head(app);
  let n = from?.bucket ?? 0;
  for (let batch = FIRST_BATCH; out.length < count && n <= head; batch = Math.min(batch * 2, MAX_BATCH)) {
    const numbers = Array.from({ length: Math.min(batch, head - n + 1) }, (_, i) => n + i);
    const replies = await Promise.all(numbers.map((b) => client.zrange(index.bucketKey(app, b), 0, -1, 'WITHSCORES')));
    replies.forEach((flat, i) => {
      for (let j = 0; j < flat.length; j += 2) {
        const entry = { bucket: numbers[i]!, id: flat[j]!, createdAt: Number(flat[j + 1]) };
        if (out.length < count && (!from || from.bucket !== entry.bucket || after(entry, from))) out.push(entry);
      }
    });
    n += numbers.length;
  }
  return out;
}

/** Removes entries found dangling or revoked, each from the structure holding it. */
export async function dropEntries(client: RedisClient, index: RedisAppIndex, app: string, entries: IndexEntry[]): Promise<void> {
  const byKey = new Map<string, string[]>();
  for (const e of entries) {
    const key = e.bucket === null ? index.legacyKey(app) : index.bucketKey(app, e.bucket);
    byKey.set(key, [...(byKey.get(key) ?? []), e.id]);
  }
  await Promise.all([...byKey].map(([key, ids]) => client.zrem(key, ...ids)));
}
