/**
 * An upgrade onto a Redis populated by the previous release (fixtures/v1-layout.ts): two gateways
 * start at once on the old data, rewrite each record to the v2 layout exactly once between them,
 * and every token, client and API key keeps working, listed as before.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenView } from '../../src/admin/views.js';
import { parseConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { apiKeyIdFromHash } from '../../src/oauth/key-exchange.js';
import { createLogger } from '../../src/ops/logger.js';
import { createBackend, type StoreBackend } from '../../src/store/backend.js';
import type { ApiKeyRecord, ClientRecord } from '../../src/store/client-store.js';
import { toHash } from '../../src/store/token-hash.js';
import { TOMBSTONE_MS } from '../../src/store/token-store.js';
import { generateSecret, hashSecret, tokenIdFromHash } from '../../src/tokens/format.js';
import { ADMIN_APP_ID, ADMIN_SCOPES, systemClock, type TokenKind, type TokenRecord } from '../../src/types.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { writeV1ApiKey, writeV1App, writeV1Client, writeV1Token } from './fixtures/v1-layout.js';

const DAY = 86_400_000;
const now = Date.now();
const prefix = uniquePrefix('v1');

function v1Token(kind: TokenKind, fields: Partial<TokenRecord> & Pick<TokenRecord, 'name' | 'app' | 'scopes'>): { secret: string; record: TokenRecord } {
  const secret = generateSecret(kind);
  const hash = hashSecret(secret);
  const ttl = kind === 'install' ? 365 * DAY : kind === 'access' ? 3_600_000 : 30 * DAY;
  const record: TokenRecord = {
    id: tokenIdFromHash(hash), hash, kind, subject: 'admin', createdBy: 'admin', createdAt: now - DAY,
    expiresAt: now - DAY + ttl, ttl, sliding: kind === 'api', ...fields,
  };
  return { secret, record };
}

const admin = v1Token('api', { name: 'ops-admin', app: ADMIN_APP_ID, scopes: [...ADMIN_SCOPES] });
const svc = v1Token('api', { name: 'svc', app: 'shop', scopes: ['read', 'write'], subject: 'svc-account', lastUsedAt: now - 60_000, expiresCap: now + 90 * DAY });
const kiosk = v1Token('install', { name: 'kiosk', app: 'shop', scopes: [] });
const access = v1Token('access', { name: 'shop-client', app: 'shop', scopes: ['read'], subject: 'alice', createdBy: 'cl_v1', clientId: 'cl_v1', createdAt: now, expiresAt: now + 3_600_000 });
const revoked = v1Token('api', { name: 'retired', app: 'shop', scopes: ['read'], revokedAt: now - 1_000 });
const v1Records = [admin, svc, kiosk, access, revoked].map((t) => t.record);

const clientSecret = generateSecret('clientSecret');
const v1Client: ClientRecord = {
  id: 'cl_v1', app: 'shop', name: 'shop-client', type: 'personal', owner: 'alice', auth: 'client_secret', secretHash: hashSecret(clientSecret),
  scopes: ['read'], tokenTtl: 3_600_000, maxActiveTokens: 10, assertionMaxLifetime: 600_000, onTokenCap: 'reject', createdBy: 'admin', createdAt: now - DAY,
};
const apiKey = generateSecret('apiKey');
const v1ApiKey: ApiKeyRecord = { id: apiKeyIdFromHash(hashSecret(apiKey)), app: 'shop', name: 'kiosk-key', hash: hashSecret(apiKey), scopes: ['read'], tokenTtl: 3_600_000, createdBy: 'admin', createdAt: now - DAY };

let redis: Redis;
let upstream: TestUpstream;
const started: { gateway: Gateway; backend: StoreBackend }[] = [];

async function start(): Promise<{ gateway: Gateway; backend: StoreBackend }> {
  const config = parseConfig({
    listen: { host: '127.0.0.1', port: 0, metricsPort: 0 },
    store: { url: REDIS_URL, keyPrefix: prefix, recordLayout: 'v2' },
    log: { level: 'silent' },
    routes: [
      { name: 'api', match: { path: '/api/*' }, upstream: upstream.url, app: 'shop', scopes: ['read'] },
      { name: 'enrol', match: { path: '/enrol/*' }, upstream: upstream.url, app: 'shop', kinds: ['install'] },
    ],
  }, 'test');
  const backend = createBackend(config, systemClock);
  const gateway = await startGateway(config, { logger: createLogger({ level: 'silent' }), backend });
  return { gateway, backend };
}

const call = (gateway: Gateway, path: string, token: string) => fetch(`${gateway.urls.main}${path}`, { headers: { authorization: `Bearer ${token}` } });
const adminCall = async (gateway: Gateway, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${gateway.urls.admin}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${admin.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
};

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  upstream = await startUpstream();
  await writeV1App(redis, prefix, { id: ADMIN_APP_ID, name: 'tollgate admin', scopes: [...ADMIN_SCOPES], origins: [], createdAt: now - DAY });
  await writeV1App(redis, prefix, { id: 'shop', name: 'Shop', scopes: ['read', 'write'], origins: [], createdAt: now - DAY });
  for (const record of v1Records) await writeV1Token(redis, prefix, record);
  await writeV1Client(redis, prefix, v1Client);
  await writeV1ApiKey(redis, prefix, v1ApiKey);
  started.push(...(await Promise.all([start(), start()])));
});

afterAll(async () => {
  for (const { gateway } of started) await gateway.stop();
  await upstream?.close();
  await cleanupPrefix(prefix);
  redis?.disconnect();
});

describe('upgrading from the v1 token record', () => {
  it('rewrites every old record once between two gateways starting together, as this release writes it, keeping its expiry', async () => {
    const counts = await Promise.all(started.map(({ backend }) => backend.upgraded));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(v1Records.length);
    for (const record of v1Records) {
      const key = `${prefix}t:{${record.id}}`;
      const expected = Object.fromEntries(Object.entries(toHash(record)).map(([field, value]) => [field, String(value)]));
      expect(await redis.hgetall(key)).toEqual(expected);
      const expireAt = record.revokedAt === undefined ? record.expiresAt! + TOMBSTONE_MS : null;
      if (expireAt === null) expect(await redis.pttl(key)).toBeGreaterThan(0);
      else expect(await redis.pexpiretime(key)).toBe(expireAt);
    }
    expect(await redis.get(`${prefix}layout`)).toBe('2');
  });

  it('a later start finds the marker and rewrites nothing', async () => {
    const late = await start();
    started.push(late);
    expect(await late.backend.upgraded).toBe(0);
  });

  it('lists old tokens (before any use), clients and keys as before, and keeps old names taken', async () => {
    const { gateway } = started[0]!;
    const listed = await adminCall(gateway, 'GET', '/apps/shop/tokens');
    expect(listed.status).toBe(200);
    const byName = new Map((listed.body.items as { name: string }[]).map((item) => [item.name, item]));
    for (const { record } of [svc, kiosk, access]) expect(byName.get(record.name)).toEqual(tokenView(record));
    expect(byName.has('retired')).toBe(false);
    expect((await adminCall(gateway, 'GET', '/apps/shop/clients')).body.items.map((c: { client_id: string }) => c.client_id)).toEqual(['cl_v1']);
    expect((await adminCall(gateway, 'GET', '/apps/shop/api-keys')).body.items.map((k: { id: string }) => k.id)).toEqual([v1ApiKey.id]);
    expect((await adminCall(gateway, 'POST', '/apps/shop/tokens', { name: 'kiosk', kind: 'install', scopes: [] })).status).toBe(409);
  });

  it('old tokens verify on both gateways with their identity; a revoked one stays revoked', async () => {
    for (const { gateway } of started) {
      expect((await call(gateway, '/api/x', svc.secret)).status).toBe(200);
      expect(upstream.requests.at(-1)?.headers['x-auth-subject']).toBe('svc-account');
      expect((await call(gateway, '/api/x', access.secret)).status).toBe(200);
      expect(upstream.requests.at(-1)?.headers['x-auth-client-id']).toBe('cl_v1');
      expect((await call(gateway, '/enrol/x', kiosk.secret)).status).toBe(200);
      expect((await call(gateway, '/api/x', revoked.secret)).status).toBe(401);
    }
  });

  it('an old client and an old API key still get tokens', async () => {
    const { gateway } = started[1]!;
    const grant = await fetch(`${gateway.urls.main}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'cl_v1', client_secret: clientSecret }).toString(),
    });
    expect(grant.status).toBe(200);
    expect((await call(started[0]!.gateway, '/api/x', ((await grant.json()) as { access_token: string }).access_token)).status).toBe(200);
    const exchanged = await fetch(`${gateway.urls.main}/oauth/key`, { method: 'POST', headers: { 'x-api-secret-key': apiKey } });
    expect(exchanged.status).toBe(200);
  });

  it('revokes an old token on every gateway', async () => {
    expect((await adminCall(started[0]!.gateway, 'DELETE', `/apps/shop/tokens/${svc.record.id}`)).status).toBe(204);
    for (const { gateway } of started) await expect.poll(async () => (await call(gateway, '/api/x', svc.secret)).status, { timeout: 3_000 }).toBe(401);
  });
});
