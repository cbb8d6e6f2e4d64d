/**
 * Switching to layout v3 on a Redis the previous release populated (v1 and v2 records, its single
 * zset index and name hash): two replicas rewrite each record once, every token still verifies, and
 * the old indexes keep listing and keep names taken beside the new ones.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { toHash } from '../../src/store/token-hash.js';
import { upgradeTokenRecords } from '../../src/store/upgrade-token-records.js';
import { createTokenLifecycle } from '../../src/tokens/lifecycle.js';
import { generateSecret, hashSecret, tokenIdFromHash } from '../../src/tokens/format.js';
import { systemClock, type TokenKind, type TokenRecord } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { makeRecord } from './contract.js';
import { writeV1Token } from './fixtures/v1-layout.js';

const DAY = 86_400_000;
const now = Date.now();
const prefix = uniquePrefix('v3');
let order = 0;

function oldToken(kind: TokenKind, name: string, extra: Partial<TokenRecord> = {}): { secret: string; record: TokenRecord } {
  const secret = generateSecret(kind);
  const hash = hashSecret(secret);
  const record: TokenRecord = {
    id: tokenIdFromHash(hash), hash, name, app: 'shop', kind, scopes: ['read'], subject: 'admin', createdBy: 'admin',
    createdAt: now - DAY + order++, expiresAt: now + DAY, ttl: 30 * DAY, sliding: kind === 'api', ...extra,
  };
  return { secret, record };
}

const v1Api = oldToken('api', 'alpha');
const v2Api = oldToken('api', 'gamma');
const v1Install = oldToken('install', 'beta');
const v2Access = oldToken('access', 'shop-client', { clientId: 'cl_1' });
const revoked = oldToken('api', 'retired', { revokedAt: now - 1_000 });
const old = [v1Api, v2Api, v1Install, v2Access, revoked];
const writtenAsV2 = new Set([v2Api, v2Access]);

let clients: Redis[];
let stores: RedisStore[];

beforeAll(async () => {
  clients = [new Redis(REDIS_URL, { enableAutoPipelining: true }), new Redis(REDIS_URL, { enableAutoPipelining: true })];
  stores = clients.map((client) => new RedisStore(client, prefix, { layout: 'v3' }));
  for (const t of old) await writeV1Token(clients[0]!, prefix, t.record, writtenAsV2.has(t) ? toHash(t.record) : undefined);
});

afterAll(async () => {
  await cleanupPrefix(prefix);
  for (const client of clients) client.disconnect();
});

describe('switching to layout v3', () => {
  it('rewrites each v1 and v2 record once between two replicas, leaving no digest beyond the id', async () => {
    const counts = await Promise.all(stores.map((store) => upgradeTokenRecords(store, 'v3')));
    expect(counts[0]! + counts[1]!).toBe(old.length);
    for (const { record } of old) {
      const fields = await clients[0]!.hgetall(stores[0]!.tokenKey(record.id));
      expect(fields.h ?? fields.d).toBeUndefined();
      expect(await stores[1]!.getToken(record.id)).toEqual({ ...record, hash: undefined });
    }
    expect(await clients[0]!.get(`${prefix}layout`)).toBe('3');
    expect(await upgradeTokenRecords(stores[0]!, 'v2')).toBe(0);
  });

  it('verifies every old token with its own secret only; the revoked one stays revoked', async () => {
    const lifecycle = createTokenLifecycle(stores[0]!, parseConfig({}), systemClock);
    for (const t of [v1Api, v2Api, v1Install, v2Access]) expect(await lifecycle.inspect(t.secret)).toMatchObject({ ok: true, record: { id: t.record.id } });
    expect(await lifecycle.inspect(revoked.secret)).toEqual({ ok: false, reason: 'revoked' });
    expect(await lifecycle.inspect(generateSecret('api'))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('lists old tokens first, then new ones, in order, and keeps old names taken', async () => {
    const fresh = [makeRecord({ app: 'shop', createdAt: now }), makeRecord({ app: 'shop', createdAt: now + 1 })];
    for (const r of fresh) await stores[1]!.putToken(r);
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stores[0]!.listTokens('shop', cursor === undefined ? { limit: 2 } : { cursor, limit: 2 });
      listed.push(...page.items.map((t) => t.id));
      cursor = page.next;
    } while (cursor);
    expect(listed).toEqual([v1Api, v2Api, v1Install, v2Access].map((t) => t.record.id).concat(fresh.map((r) => r.id)));
    await expect(stores[0]!.putToken(makeRecord({ app: 'shop', name: 'alpha' }))).rejects.toMatchObject({ status: 409 });
    await expect(stores[0]!.putToken(makeRecord({ app: 'shop', name: 'beta', kind: 'install' }))).rejects.toMatchObject({ status: 409 });
  });

  it('frees an old name on revoke, and keeps a name claimed in v3 taken for a replica still writing v2', async () => {
    await stores[0]!.revokeToken(v1Api.record.id, Date.now());
    expect(await clients[0]!.hget(`${prefix}app:{shop}:names`, 'alpha')).toBeNull();
    expect(await clients[0]!.zscore(`${prefix}app:{shop}:tokens`, v1Api.record.id)).toBeNull();
    await stores[1]!.putToken(makeRecord({ app: 'shop', name: 'alpha' }));
    const v2Store = new RedisStore(clients[1]!, prefix, { layout: 'v2' });
    await expect(v2Store.putToken(makeRecord({ app: 'shop', name: 'alpha' }))).rejects.toMatchObject({ status: 409 });
  });
});
