import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/tokens/format.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let redis: RedisServer;
let upstream: TestUpstream;
let gw: TestGateway;

beforeAll(async () => {
  redis = await startRedisServer();
  upstream = await startUpstream();
  gw = await startTestGateway({
    store: { url: redis.url, timeout: '2s' },
    routes: [{ name: 'shop', match: { path: '/shop/*' }, upstream: upstream.url, app: 'shop', scopes: ['read'], kinds: ['api'], rateLimit: { perToken: '2/m' } }],
  });
  for (const id of ['shop', 'other']) expect((await gw.admin('POST', '/apps', { id, name: id, scopes: ['read', 'write'] })).status).toBe(201);
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
  await redis.dispose();
});

async function scrape(): Promise<string> {
  const res = await fetch(`${gw.metricsUrl}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample, 0 when absent. */
function sample(text: string, name: string, labels: string): number {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

const call = (token?: string, raw?: string) =>
  fetch(`${gw.url}/shop/items`, { headers: raw ? { authorization: raw } : token ? { authorization: `Bearer ${token}` } : {} });

async function issue(body: Record<string, unknown>, app = 'shop'): Promise<{ token: string; id: string }> {
  const res = await gw.admin('POST', `/apps/${app}/tokens`, { scopes: ['read'], ...body });
  expect(res.status).toBe(201);
  return res.body;
}

describe('metrics: every decision reason is counted, labels stay bounded', () => {
  it('counts ok, missing, malformed, unknown, expired, revoked, wrong_app, wrong_kind, insufficient_scope, rate_limited, store_unavailable', async () => {
    const good = await issue({ name: 'good' });
    const limited = await issue({ name: 'limited' });
    const revoked = await issue({ name: 'revoked' });
    const noScope = await issue({ name: 'no-scope', scopes: ['write'] });
    const install = await issue({ name: 'install', kind: 'install', scopes: [] });
    const otherApp = await issue({ name: 'elsewhere' }, 'other');
    const expired = await gw.gateway.lifecycle.issue({ app: 'shop', kind: 'api', name: 'expired', scopes: ['read'], createdBy: 'test', ttl: 0 });
    expect((await gw.admin('DELETE', `/apps/shop/tokens/${revoked.id}`)).status).toBe(204);

    const expectations: [string, () => Promise<Response>, number][] = [
      ['ok', () => call(good.token), 200],
      ['missing', () => call(), 401],
      ['malformed', () => call(undefined, 'Bearer a"b'), 400],
      ['unknown', () => call(generateSecret('api')), 401],
      ['expired', () => call(expired.token), 401],
      ['revoked', () => call(revoked.token), 401],
      ['wrong_app', () => call(otherApp.token), 401],
      ['wrong_kind', () => call(install.token), 401],
      ['insufficient_scope', () => call(noScope.token), 403],
    ];
    for (const [, send, status] of expectations) expect((await send()).status).toBe(status);
    expect((await call(limited.token)).status).toBe(200);
    expect((await call(limited.token)).status).toBe(200);
    const refused = await call(limited.token);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);

    await redis.stop();
    const down = await call(generateSecret('api'));
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');

    const text = await scrape();
    for (const [reason, , status] of expectations) {
      const result = reason === 'ok' ? 'allow' : 'deny';
      expect(sample(text, 'tollgate_auth_decisions_total', `route="shop",result="${result}",reason="${reason}",mode="proxy"`), reason).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'tollgate_requests_total', `route="shop",method="GET",status="${status}",mode="proxy"`)).toBeGreaterThanOrEqual(1);
    }
    expect(sample(text, 'tollgate_auth_decisions_total', 'route="shop",result="deny",reason="rate_limited",mode="proxy"')).toBe(1);
    expect(sample(text, 'tollgate_auth_decisions_total', 'route="shop",result="deny",reason="store_unavailable",mode="proxy"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tollgate_store_errors_total', 'op="getToken"')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^tollgate_upstream_duration_seconds_count\{route="shop"\} [1-9]/m);
    expect(text).toMatch(/^tollgate_request_duration_seconds_bucket\{le="0\.0005",route="shop"\}/m);
    expect(text).toMatch(/^tollgate_auth_duration_seconds_bucket\{le="0\.00005"\}/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    // Bounded labels: never a token, token id, raw path or app id taken from a request.
    for (const secret of [good.token, good.id, '/shop/items', 'tok_']) expect(text).not.toContain(secret);

    // The store monitor notices the outage on its own and the gauge drops to 0.
    await expect.poll(async () => sample(await scrape(), 'tollgate_store_up', ''), { timeout: 5_000, interval: 100 }).toBe(0);
    await redis.start();
    await expect.poll(async () => sample(await scrape(), 'tollgate_store_up', ''), { timeout: 5_000, interval: 100 }).toBe(1);
  });
});
