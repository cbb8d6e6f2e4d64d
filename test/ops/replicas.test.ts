/** Two real gateway processes on one Redis: shared rate limits and revocation seen by both. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/tokens/format.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawned-gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const prefix = uniquePrefix('replicas');
const MAX_STALENESS_MS = 1_000;
let upstream: TestUpstream;
let a: SpawnedGateway;
let b: SpawnedGateway;

beforeAll(async () => {
  upstream = await startUpstream();
  const config = {
    store: { url: REDIS_URL, keyPrefix: prefix, timeout: '2s' },
    revocation: { maxStaleness: `${MAX_STALENESS_MS}ms` },
    rateLimit: { replicas: 2 },
    log: { access: false },
    routes: [
      { name: 'limited', match: { path: '/limited/*' }, upstream: upstream.url, app: 'shop', rateLimit: { perToken: '10/m' } },
      { name: 'open', match: { path: '/open/*' }, upstream: upstream.url, app: 'shop' },
    ],
  };
  const adminToken = generateSecret('api');
  [a, b] = await Promise.all([spawnGateway(config, { adminToken }), spawnGateway(config, { adminToken })]);
  expect((await a.admin('POST', '/apps', { id: 'shop', name: 'Shop', scopes: [] })).status).toBe(201);
});

afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await upstream.close();
  await cleanupPrefix(prefix);
});

const call = (gw: SpawnedGateway, path: string, token: string) => fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => (await r.text(), r.status));

describe('two gateway processes sharing one Redis', () => {
  it('hold a per-token limit together: 10/m across both, not 10 each', async () => {
    const { token } = (await a.admin('POST', '/apps/shop/tokens', { name: 'limited', scopes: [] })).body;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push(await call(i % 2 === 0 ? a : b, '/limited/x', token));
    expect(statuses.filter((s) => s === 200).length).toBe(10);
    expect(statuses.filter((s) => s === 429).length).toBe(20);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
  });

  it('refuse on one a token revoked through the other within revocation.maxStaleness', async () => {
    const created = (await a.admin('POST', '/apps/shop/tokens', { name: 'to-revoke', scopes: [] })).body;
    // Both replicas have just seen the token live (and may cache it).
    expect(await call(a, '/open/x', created.token)).toBe(200);
    expect(await call(b, '/open/x', created.token)).toBe(200);
    expect((await a.admin('DELETE', `/apps/shop/tokens/${created.id}`)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, MAX_STALENESS_MS));
    expect(await call(b, '/open/x', created.token)).toBe(401);
    expect(await call(a, '/open/x', created.token)).toBe(401);
  });
});
