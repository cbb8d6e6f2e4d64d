import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createClient, postForm } from '../helpers/oauth.js';
import { dumpPrefix } from '../helpers/redis.js';

let perClient: TestGateway;
let perIp: TestGateway;

beforeAll(async () => {
  perClient = await startTestGateway({ tokenEndpoint: { rateLimit: { perClient: '3/h', perIp: false } } });
  perIp = await startTestGateway({ tokenEndpoint: { rateLimit: { perClient: false, perIp: '4/h' } } });
  for (const gw of [perClient, perIp]) await gw.admin('POST', '/apps', { id: 'app1', name: 'one', scopes: ['read'] });
});

afterAll(async () => {
  await perClient.close();
  await perIp.close();
});

const grant = (gw: TestGateway, c: { client_id: string; client_secret: string }) =>
  postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });

describe('token endpoint rate limits (the store counter in Redis)', () => {
  it('limits each client on its own: 429 slow_down 1201093 with the edge\'s RateLimit fields, counted in Redis', async () => {
    const a = await createClient(perClient, 'app1', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 100 });
    const b = await createClient(perClient, 'app1', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 100 });
    const first = await grant(perClient, a);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    expect(first.headers.get('ratelimit-policy')).toBe('3;w=3600');
    const statuses = [first.status];
    for (let i = 0; i < 3; i++) statuses.push((await grant(perClient, a)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await grant(perClient, a);
    expect(limited.body).toMatchObject({ error: 'slow_down', code: '1201093' });
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit')).toBe(`limit=3, remaining=0, reset=${limited.headers.get('ratelimit-reset')}`);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('retry-after')).toBe(limited.headers.get('ratelimit-reset'));
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect((await grant(perClient, b)).status).toBe(200);
    const counters = [...(await dumpPrefix(perClient.prefix)).entries()].filter(([k]) => k.includes('rl:oauth:client:'));
    expect(new Map(counters).get(`${perClient.prefix}rl:oauth:client:${a.client_id}`)).toBe('5');
  });

  it('limits each source address before any client work, failed logins included', async () => {
    const c = await createClient(perIp, 'app1', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 100 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await grant(perIp, { client_id: c.client_id, client_secret: 'tg_s_wrong' })).status);
    statuses.push((await grant(perIp, c)).status);
    statuses.push((await grant(perIp, c)).status);
    expect(statuses).toEqual([401, 401, 401, 200, 429]);
  });
});
