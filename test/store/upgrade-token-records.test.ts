/** The in-place rewrite of v1 token records: once per record however many replicas run it, and nothing else touched. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis-store.js';
import { toHash } from '../../src/store/token-hash.js';
import { upgradeTokenRecords } from '../../src/store/upgrade-token-records.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { makeRecord } from './contract.js';
import { v1TokenFields, writeV1Token } from './fixtures/v1-layout.js';

const stored = (fields: Record<string, string | number>) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)]));

let client: Redis;
const prefixes: string[] = [];

beforeAll(() => {
  client = new Redis(REDIS_URL, { enableAutoPipelining: true });
});

afterAll(async () => {
  for (const prefix of prefixes) await cleanupPrefix(prefix);
  client.disconnect();
});

function storeWithPrefix(): RedisStore {
  const prefix = uniquePrefix('upgrade');
  prefixes.push(prefix);
  return new RedisStore(client, prefix, { layout: 'v2' });
}

describe('upgradeTokenRecords', () => {
  it('rewrites each of many records exactly once when four replicas run it at the same time', async () => {
    const store = storeWithPrefix();
    const records = Array.from({ length: 1_200 }, (_, i) => makeRecord({ name: `t${i}`, ...(i % 3 === 0 ? { lastUsedAt: Date.now() } : {}) }));
    await Promise.all(records.map((r) => writeV1Token(client, store.prefix, r)));
    const counts = await Promise.all([1, 2, 3, 4].map(() => upgradeTokenRecords(store, 'v2')));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(records.length);
    for (const r of records.slice(0, 50)) {
      expect(await client.hgetall(store.tokenKey(r.id))).toEqual(stored(toHash(r)));
      expect(await store.getToken(r.id)).toEqual(r);
    }
  });

  it('leaves alone records written by this release, revocations ahead of their token, and what it does not understand', async () => {
    const store = storeWithPrefix();
    const current = makeRecord();
    await store.putToken(current);
    const ahead = makeRecord();
    await store.revokeToken(ahead.id, Date.now());
    const strange = makeRecord();
    await client.hset(store.tokenKey(strange.id), { ...v1TokenFields(strange), k: 'session' });
    const misfiled = makeRecord();
    await client.hset(store.tokenKey(misfiled.id), { ...v1TokenFields(misfiled), h: makeRecord().hash });
    const before = await Promise.all([current, ahead, strange, misfiled].map((r) => client.hgetall(store.tokenKey(r.id))));
    expect(await upgradeTokenRecords(store, 'v2')).toBe(0);
    expect(await Promise.all([current, ahead, strange, misfiled].map((r) => client.hgetall(store.tokenKey(r.id))))).toEqual(before);
  });

  it('leaves each record smaller than it found it', async () => {
    const store = storeWithPrefix();
    const records = [makeRecord(), makeRecord({ lastUsedAt: Date.now(), subject: 'svc-account' }), makeRecord({ kind: 'install', sliding: false, scopes: [] })];
    for (const r of records) await writeV1Token(client, store.prefix, r);
    const usage = () => Promise.all(records.map(async (r) => Number(await client.memory('USAGE', store.tokenKey(r.id)))));
    const before = await usage();
    await upgradeTokenRecords(store, 'v2');
    const after = await usage();
    after.forEach((bytes, i) => expect(bytes).toBeLessThan(before[i]!));
  });

  it('skips the scan once a pass has finished', async () => {
    const store = storeWithPrefix();
    expect(await upgradeTokenRecords(store, 'v2')).toBe(0);
    const late = makeRecord();
    await writeV1Token(client, store.prefix, late);
    expect(await upgradeTokenRecords(store, 'v2')).toBe(0);
    // A record an older replica writes after the pass is still read.
    expect(await store.getToken(late.id)).toEqual(late);
  });

  it('stops when asked to', async () => {
    const store = storeWithPrefix();
    const r = makeRecord();
    await writeV1Token(client, store.prefix, r);
    const stop = new AbortController();
    stop.abort();
    expect(await upgradeTokenRecords(store, 'v2', stop.signal)).toBe(0);
    expect(await client.get(`${store.prefix}layout`)).toBeNull();
    expect(await client.hget(store.tokenKey(r.id), 'h')).toBe(r.hash);
  });
});

describe('store.recordLayout during a rolling upgrade', () => {
  it('writes records an older release can read (v1, field for field) until v2 is chosen, and v2 reads back the same', async () => {
    const prefix = uniquePrefix('layout');
    prefixes.push(prefix);
    const v1Store = new RedisStore(client, prefix, { layout: 'v1' });
    const v2Store = new RedisStore(client, prefix, { layout: 'v2' });
    const older = makeRecord();
    await v1Store.putToken(older);
    expect(await client.hgetall(v1Store.tokenKey(older.id))).toEqual(stored(v1TokenFields(older)));
    const newer = makeRecord();
    await v2Store.putToken(newer);
    expect(await client.hgetall(v2Store.tokenKey(newer.id))).toEqual(stored(toHash(newer)));
    for (const store of [v1Store, v2Store]) {
      expect(await store.getToken(older.id)).toEqual(older);
      expect(await store.getToken(newer.id)).toEqual(newer);
    }
  });
});
