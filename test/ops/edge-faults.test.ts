import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
let token: string;
let deadPort: number;
/** Resolves when the upstream sees the held request's socket close. */
let heldClosed: Promise<void>;
let onHeld: () => void = () => {};

beforeAll(async () => {
  let markClosed: () => void = () => {};
  heldClosed = new Promise((resolve) => (markClosed = resolve));
  upstream = await startUpstream((req, res) => {
    if (req.url === '/hold') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('started');
      res.on('close', markClosed);
      onHeld();
      return;
    }
    if (req.url === '/never') return;
    res.writeHead(200).end('ok');
  });
  deadPort = await freePort();
  gw = await startTestGateway({
    store: { timeout: '2s' },
    routes: [
      { name: 'slow', match: { path: '/slow/*' }, upstream: upstream.url, stripPrefix: '/slow', app: 'edge', timeout: '200ms' },
      { name: 'down', match: { path: '/down/*' }, upstream: `http://127.0.0.1:${deadPort}`, app: 'edge' },
      { name: 'flood', match: { path: '/flood/*' }, upstream: upstream.url, app: 'edge', rateLimit: { perToken: '20/m', perClient: '1000/m' } },
      { name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none', rateLimit: { perIp: '3/m' } },
      { name: 'held', match: { path: '/hold' }, upstream: upstream.url, app: 'edge' },
    ],
  });
  expect((await gw.admin('POST', '/apps', { id: 'edge', name: 'edge', scopes: [] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/edge/tokens', { name: 'svc', scopes: [] })).body.token;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const auth = () => ({ authorization: `Bearer ${token}` });

describe('edge faults: upstream slow, down, client gone, floods', () => {
  it('answers 502 with the JSON error shape when the upstream refuses connections', async () => {
    const res = await fetch(`${gw.url}/down/x`, { headers: auth() });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: 'bad_gateway', error_description: 'upstream unavailable' });
  });

  it('answers 504 when the upstream does not answer within the route timeout', async () => {
    const res = await fetch(`${gw.url}/slow/never`, { headers: auth() });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: 'gateway_timeout' });
  });

  it('abandons the upstream request when the client disconnects mid-response, and keeps serving', async () => {
    const held = new Promise<void>((resolve) => (onHeld = resolve));
    const req = request(`${gw.url}/hold`, { headers: auth() }, (res) => {
      res.once('data', () => req.destroy());
    });
    req.on('error', () => {});
    req.end();
    await held;
    await heldClosed;
    expect((await fetch(`${gw.url}/slow/ok`, { headers: auth() })).status).toBe(200);
    await expect.poll(() => gw.logs.some((l) => l.msg === 'request' && l.route === 'held' && l.aborted === true)).toBe(true);
  });

  it('holds a flood of concurrent requests to the limit exactly, with standard headers on every 429', async () => {
    const responses = await Promise.all(Array.from({ length: 120 }, () => fetch(`${gw.url}/flood/x`, { headers: auth() })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBe(20);
    expect(statuses.filter((s) => s === 429).length).toBe(100);
    const refused = responses.find((r) => r.status === 429)!;
    expect(await refused.json()).toEqual({ error: 'rate_limited', error_description: 'too many requests, retry later' });
    expect(refused.headers.get('ratelimit-limit')).toBe('20');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-policy')).toBe('20;w=60');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-reset')).toBe(refused.headers.get('retry-after'));
    await Promise.all(responses.filter((r) => r !== refused).map((r) => r.text()));
  });

  it('limits an auth: none route per source address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${gw.url}/public/p${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});

describe('rate limits while Redis cannot count', () => {
  let redis: RedisServer;
  let local: TestGateway;

  beforeAll(async () => {
    redis = await startRedisServer();
    local = await startTestGateway({
      store: { url: redis.url },
      rateLimit: { replicas: 2 },
      routes: [{ name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none', rateLimit: { perIp: '6/m' } }],
    });
  });
  afterAll(async () => {
    await local.close();
    await redis.dispose();
  });

  it('enforces this replica\'s share (limit / replicas) locally instead of failing open', async () => {
    const statuses = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await fetch(`${local.url}/public/x`)).status);
      return out;
    };
    expect(await statuses(7)).toEqual([200, 200, 200, 200, 200, 200, 429]);
    await redis.stop();
    expect(await statuses(4)).toEqual([200, 200, 200, 429]);
    const metrics = await (await fetch(`${local.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^tollgate_store_errors_total\{op="rateLimit"\} [1-9]/m);
  });
});
