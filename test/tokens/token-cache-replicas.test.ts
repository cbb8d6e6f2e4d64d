/**
 * Two gateway replicas (separate store and subscriber connections) on one Redis and one key
 * prefix. Replica B runs on a hand-driven clock, so "after maxStaleness" needs no sleeping and
 * "before maxStaleness" proves pub/sub did the work.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { createLogger } from '../../src/ops/logger.js';
import { bootstrapAdminToken } from '../../src/tokens/admin-bootstrap.js';
import { generateSecret } from '../../src/tokens/format.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const MAX_STALENESS = 1_000;
let prefix: string;
let upstream: TestUpstream;
let a: Gateway;
let b: Gateway;
let adminToken: string;
let redis: Redis;
let bNow = Date.now();
let offset = 0;

async function start(clock?: () => number): Promise<Gateway> {
  const config = parseConfig({
    listen: { host: '127.0.0.1', port: 0, metricsPort: 0 },
    store: { url: REDIS_URL, keyPrefix: prefix },
    revocation: { maxStaleness: `${MAX_STALENESS}ms` },
    log: { level: 'silent', access: false },
    routes: [{ name: 'reports', match: { path: '/r/*' }, upstream: upstream.url, app: 'rp1', scopes: ['reporting'] }],
  }, 'test');
  return startGateway(config, { logger: createLogger({ level: 'silent' }), ...(clock ? { clock } : {}) });
}

async function admin(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${a.urls.admin}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

const onB = async (token: string) => (await fetch(`${b.urls.main}/r/x`, { headers: { authorization: `Bearer ${token}` } })).status;
const counter = async (g: Gateway, result: 'hit' | 'miss') => (await g.metrics.tokenCacheRequests.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
const propagations = async (g: Gateway) => (await g.metrics.revocationPropagation.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;

/** Resolves once `check` holds, polling the observable state (no fixed sleeps). */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** This test's subscriber connections (named after the unique key prefix), never anyone else's. */
async function subscriberIds(): Promise<string[]> {
  const list = (await redis.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=tollgate-sub:${prefix} `) && / sub=1 /.test(line)).map((line) => /id=(\d+)/.exec(line)![1]!);
}

async function freshToken(name: string, scopes = ['reporting']): Promise<{ token: string; id: string }> {
  const created = await admin('POST', '/apps/rp1/tokens', { name, scopes });
  return { token: created.token, id: created.id };
}

/** B has the token cached: it answered 200 and the second use was a cache hit. */
async function warmOnB(token: string): Promise<void> {
  expect(await onB(token)).toBe(200);
  const hits = await counter(b, 'hit');
  expect(await onB(token)).toBe(200);
  expect(await counter(b, 'hit')).toBe(hits + 1);
}

beforeAll(async () => {
  prefix = uniquePrefix('cache');
  redis = new Redis(REDIS_URL);
  upstream = await startUpstream();
  a = await start();
  b = await start(() => bNow + offset);
  adminToken = (await bootstrapAdminToken(a.store, a.lifecycle, Date.now, { name: 'cache-admin' })).token;
  await admin('POST', '/apps', { id: 'rp1', name: 'RP one', scopes: ['reporting', 'other'] });
  await until(async () => (await subscriberIds()).length === 2, 'both replicas to subscribe');
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await upstream?.close();
  await cleanupPrefix(prefix);
  redis?.disconnect();
});

beforeEach(() => {
  bNow = Date.now();
  offset = 0;
});

describe('token cache across replicas', () => {
  it('refuses a token revoked on another replica as soon as the message arrives, long before maxStaleness', async () => {
    const { token, id } = await freshToken('pubsub');
    await warmOnB(token);
    const seen = await propagations(b);
    await admin('DELETE', `/apps/rp1/tokens/${id}`);
    await until(async () => (await propagations(b)) > seen, 'the revocation to reach B');
    expect(await onB(token)).toBe(401);
  });

  it('never serves a revocation it was not told about past maxStaleness', async () => {
    const { token, id } = await freshToken('lost-message');
    await warmOnB(token);
    // Revoked in the store without a publish: a lost message.
    await a.store.revokeToken(id, Date.now());
    offset = MAX_STALENESS;
    expect(await onB(token)).toBe(401);
  });

  it('never serves an expired token from the cache, even while its entry is fresh', async () => {
    const { token } = await b.lifecycle.issue({ app: 'rp1', kind: 'api', name: 'short', scopes: ['reporting'], createdBy: 'test', ttl: 500 });
    await warmOnB(token);
    offset = 500;
    expect(await onB(token)).toBe(401);
  });

  it('serves a rescoped token with its new scopes once maxStaleness has passed', async () => {
    const { token, id } = await freshToken('rescoped');
    await warmOnB(token);
    await redis.hset(`${prefix}t:{${id}}`, 's', 'other');
    offset = MAX_STALENESS;
    expect(await onB(token)).toBe(403);
  });

  it('flushes and stops trusting the cache when its subscription is killed, until resubscribed', async () => {
    const { token, id } = await freshToken('killed');
    await warmOnB(token);
    const before = await subscriberIds();
    for (const client of before) await redis.client('KILL', 'ID', client);
    await a.store.revokeToken(id, Date.now());
    await until(async () => {
      const now = await subscriberIds();
      return now.length === 2 && now.every((client) => !before.includes(client));
    }, 'both replicas to resubscribe');
    // B's clock has not moved: only the flush on losing the subscription can explain a 401 here.
    expect(await onB(token)).toBe(401);
  });

  it('does not shadow a token created after its id was looked up and found unknown', async () => {
    const onThisReplica = generateSecret('api');
    const onTheOther = generateSecret('api');
    expect(await onB(onThisReplica)).toBe(401);
    expect(await onB(onTheOther)).toBe(401);
    await b.lifecycle.issue({ app: 'rp1', kind: 'api', name: 'adopted-b', scopes: ['reporting'], createdBy: 'test', secret: onThisReplica });
    await a.lifecycle.issue({ app: 'rp1', kind: 'api', name: 'adopted-a', scopes: ['reporting'], createdBy: 'test', secret: onTheOther });
    expect(await onB(onThisReplica)).toBe(200);
    // Another replica's creation is seen once the short negative entry lapses, well inside maxStaleness.
    offset = MAX_STALENESS / 4;
    expect(await onB(onTheOther)).toBe(200);
  });
});
