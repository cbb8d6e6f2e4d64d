/** The v3 app index on a real Redis: buckets and name levels that stay listpacks, listed and cleaned as one index. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_SIZE } from '../../src/store/redis-app-index.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { PENDING_MS } from '../../src/store/token-store.js';
import type { TokenRecord } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { makeRecord } from './contract.js';

const prefix = uniquePrefix('app-index');
let client: Redis;
let store: RedisStore;
let apps = 0;
const newApp = () => `app${++apps}`;

beforeAll(() => {
  client = new Redis(REDIS_URL, { enableAutoPipelining: true });
  store = new RedisStore(client, prefix, { layout: 'v3' });
});

afterAll(async () => {
  await cleanupPrefix(prefix);
  client.disconnect();
});

async function appKeys(app: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}app:{${app}}:*`, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function listAll(app: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listTokens(app, cursor === undefined ? { limit } : { cursor, limit });
    seen.push(...page.items.map((t) => t.id));
    cursor = page.next;
  } while (cursor);
  return seen;
}

async function issue(app: string, count: number, from = 0): Promise<TokenRecord[]> {
  const base = Date.now();
  const records = Array.from({ length: count }, (_, i) => makeRecord({ app, name: `n${from + i}`, createdAt: base + from + i }));
  for (const r of records) await store.putToken(r);
  return records;
}

describe('the v3 app index', () => {
  it('lists more than 300 tokens across buckets oldest first, once each, by cursor, every index a listpack', async () => {
    const app = newApp();
    const records = await issue(app, 330);
    expect(await listAll(app, 37)).toEqual(records.map((r) => r.id));
    const keys = await appKeys(app);
    const indexes = keys.filter((k) => k !== `${prefix}app:{${app}}:ix`);
    expect(indexes.filter((k) => k.includes(':ix:')).length).toBe(Math.ceil(330 / BUCKET_SIZE));
    expect(indexes.filter((k) => k.includes(':nm:')).length).toBeGreaterThan(4);
    for (const key of indexes) expect([key, await client.object('ENCODING', key)]).toEqual([key, 'listpack']);
  });

  it('keeps buckets within their size when many tokens are issued at once, and loses none', async () => {
    const app = newApp();
    const records = Array.from({ length: 260 }, (_, i) => makeRecord({ app, name: `c${i}`, ...(i % 2 ? { kind: 'access' as const, sliding: false } : {}) }));
    await Promise.all(records.map((r) => store.putToken(r)));
    const buckets = (await appKeys(app)).filter((k) => k.includes(':ix:'));
    for (const key of buckets) expect(await client.zcard(key)).toBeLessThanOrEqual(BUCKET_SIZE);
    expect((await listAll(app, 100)).sort()).toEqual(records.map((r) => r.id).sort());
  });

  it('drops a revoked token from its bucket at once, and lists past emptied buckets', async () => {
    const app = newApp();
    const records = await issue(app, 450);
    const revoked = records.slice(0, 440);
    const bucket = await client.hget(store.tokenKey(revoked[0]!.id), 'x');
    await Promise.all(revoked.map((r) => store.revokeToken(r.id, Date.now())));
    expect(await client.zscore(`${prefix}app:{${app}}:ix:${bucket}`, revoked[0]!.id)).toBeNull();
    expect((await appKeys(app)).filter((k) => k.includes(':ix:')).length).toBe(1);
    expect(await listAll(app, 3)).toEqual(records.slice(440).map((r) => r.id));
  });

  it('lists and closes an app with a long history by the buckets still holding ids, never the emptied ones', async () => {
    const app = newApp();
    const occupied = async () => (await client.zrange(`${prefix}app:{${app}}:ixs`, 0, -1)).map(Number);
    const records = await issue(app, 250);
    await Promise.all(records.slice(0, 200).map((r) => store.revokeToken(r.id, Date.now())));
    expect(await occupied()).toEqual([2]);
    // Months of grants later: the head is far on, and nothing between bucket 2 and it holds an id.
    await client.set(`${prefix}app:{${app}}:ix`, '100000');
    const late = makeRecord({ app, name: 'late' });
    const lost = makeRecord({ app, name: 'lost', createdAt: Date.now() - PENDING_MS - 1_000 });
    await store.putToken(late);
    await store.putToken(lost);
    expect(await occupied()).toEqual([2, 100000]);
    // A record gone (expired past its tombstone) leaves a dangling entry: listing drops it, and an emptied bucket leaves the set.
    await client.del(store.tokenKey(lost.id));
    await store.revokeToken(late.id, Date.now());
    expect(await listAll(app, 20)).toEqual(records.slice(200).map((r) => r.id));
    expect(await occupied()).toEqual([2]);
    expect((await store.closeApp(app)).sort()).toEqual(records.slice(200).map((r) => r.id).sort());
  });

  it('keeps names unique across levels, and frees a name on revoke', async () => {
    const app = newApp();
    const keeper = makeRecord({ app, name: 'keeper' });
    await store.putToken(keeper);
    await issue(app, 200);
    expect(Number(await client.hget(`${prefix}app:{${app}}:nm`, 'l'))).toBeGreaterThanOrEqual(2);
    await expect(store.putToken(makeRecord({ app, name: 'keeper' }))).rejects.toMatchObject({ status: 409 });
    await store.revokeToken(keeper.id, Date.now());
    const again = makeRecord({ app, name: 'keeper' });
    await store.putToken(again);
    await expect(store.putToken(makeRecord({ app, name: 'keeper' }))).rejects.toMatchObject({ status: 409 });
    expect(await client.hget(`${prefix}app:{${app}}:nm`, 'c')).toBe('201');
  });

  it('closes an app with every indexed id, then deletes every index and claim', async () => {
    const app = newApp();
    await store.createApp({ id: app, name: app, scopes: [], origins: [], createdAt: Date.now() });
    const records = await issue(app, 230);
    expect((await store.closeApp(app)).sort()).toEqual(records.map((r) => r.id).sort());
    await expect(store.putToken(makeRecord({ app }))).rejects.toMatchObject({ status: 404 });
    await store.deleteApp(app);
    expect(await appKeys(app)).toEqual([`${prefix}app:{${app}}:closed`]);
  });
});
