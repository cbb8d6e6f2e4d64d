/**
 * The forward-auth door (issue 14) with requests shaped as each ingress sends them: nginx `auth_request`
 * (X-Original-URI / -Method), ingress-nginx `auth-url` (X-Original-URL), Traefik ForwardAuth and Caddy
 * `forward_auth` (X-Forwarded-Method / -Uri / -Host), Envoy `ext_authz` (original path after the prefix).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
let token: string;
let verify: string;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    listen: { trustedProxies: ['127.0.0.1', '::1'] },
    forwardAuth: { path: '/auth/verify' },
    routes: [
      { name: 'api', match: { path: '/api/*', host: 'api.local' }, upstream: upstream.url, app: 'appA', scopes: ['read'] },
      { name: 'writes', match: { path: '/write/*', methods: ['POST'] }, upstream: upstream.url, app: 'appA', scopes: ['read'] },
      { name: 'audited', match: { path: '/audit/*' }, upstream: upstream.url, app: 'appA', scopes: ['admin'], mode: 'audit' },
      { name: 'limited', match: { path: '/limited/*' }, upstream: upstream.url, app: 'appA', rateLimit: { perToken: '1/m' } },
      { name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none' },
    ],
  });
  expect((await gw.admin('POST', '/apps', { id: 'appA', name: 'A', scopes: ['read', 'admin'] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/appA/tokens', { name: 'reader', scopes: ['read'] })).body.token;
  verify = gw.gateway.urls.forwardAuth;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const bearer = () => ['Authorization', `Bearer ${token}`];
const ask = (headers: string[], path = '', method = 'GET') => httpRequest(`${verify}${path}`, { method, headers });

describe('forward-auth decisions, as each ingress asks', () => {
  it('nginx auth_request: 200 with the identity headers for a valid token, and nothing reaches the upstream', async () => {
    const before = upstream.requests.length;
    const res = await ask(['X-Original-URI', '/api/items?page=2', 'X-Original-Method', 'GET', 'Host', 'api.local', ...bearer()]);
    expect(res.status).toBe(200);
    expect(res.headers['x-auth-app']).toBe('appA');
    expect(res.headers['x-auth-scopes']).toBe('read');
    expect(res.headers['x-auth-token-id']).toMatch(/^tok_/);
    expect(res.headers['x-auth-subject']).toBeTruthy();
    expect(upstream.requests.length).toBe(before);
  });

  it("answers the edge's own refusals: 401 with a challenge, 403 naming the scope, 404 for no route", async () => {
    const none = await ask(['X-Original-URI', '/api/items', 'Host', 'api.local']);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="tollgate"');
    expect(JSON.parse(none.body).error).toBe('unauthorized');
    const reader = (await gw.admin('POST', '/apps/appA/tokens', { name: 'nothing', scopes: [] })).body.token as string;
    const scope = await ask(['X-Original-URI', '/api/items', 'Host', 'api.local', 'Authorization', `Bearer ${reader}`]);
    expect(scope.status).toBe(403);
    expect(scope.headers['www-authenticate']).toContain('scope="read"');
    expect((await ask(['X-Original-URI', '/nowhere', ...bearer()])).status).toBe(404);
  });

  it('ingress-nginx auth-url: the absolute X-Original-URL gives path and host', async () => {
    const res = await ask(['X-Original-URL', 'https://api.local/api/x?y=1', 'X-Original-Method', 'GET', 'Host', 'tollgate.svc', ...bearer()]);
    expect(res.status).toBe(200);
    expect((await ask(['X-Original-URL', 'https://other.local/api/x', 'Host', 'tollgate.svc', ...bearer()])).status).toBe(404);
  });

  it('Traefik ForwardAuth / Caddy forward_auth: a GET that carries the original method, URI and host in X-Forwarded-*', async () => {
    const traefik = ['X-Forwarded-Method', 'POST', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'shop.local', 'X-Forwarded-Uri', '/write/orders', 'X-Forwarded-For', '203.0.113.9'];
    expect((await ask([...traefik, ...bearer()])).status).toBe(200);
    // The same URI as a GET matches no route: the decision is about the original method, not the subrequest's.
    expect((await ask(['X-Forwarded-Method', 'GET', 'X-Forwarded-Uri', '/write/orders', ...bearer()])).status).toBe(404);
  });

  // Traefik's ForwardAuth without authRequestHeaders (its default) and Caddy's forward_auth pass every client
  // header to the decision beside their own X-Forwarded-*, so another ingress's names can arrive from the client.
  it("Traefik ForwardAuth's default passes client headers: a client's X-Original-URI does not override X-Forwarded-Uri", async () => {
    const traefik = ['X-Forwarded-Method', 'GET', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'api.local', 'X-Forwarded-Uri', '/api/items', 'X-Forwarded-For', '203.0.113.9'];
    expect((await ask([...traefik, 'X-Original-URI', '/public/x'])).status).not.toBe(200);
    expect((await ask([...traefik, 'X-Original-URL', 'https://api.local/public/x'])).status).not.toBe(200);
  });

  it('Envoy ext_authz: the original method and path after the prefix, the original Host', async () => {
    expect((await ask(['Host', 'api.local', ...bearer()], '/api/items?x=1')).status).toBe(200);
    expect((await ask(['Host', 'shop.local', 'Content-Length', '0', ...bearer()], '/write/orders', 'POST')).status).toBe(200);
    expect((await ask(['Host', 'shop.local'], '/public/x')).status).toBe(200);
  });

  it('normalizes the original path exactly as the edge does, and refuses what cannot be normalized', async () => {
    expect((await ask(['X-Original-URI', '/public/../api/x', 'Host', 'api.local'])).status).toBe(401);
    expect((await ask(['X-Original-URI', '/public/..%2fapi/x', 'Host', 'api.local'])).status).toBe(400);
    expect((await ask(['X-Original-URI', '/public/x?access_token=abc'])).status).toBe(400);
  });

  it('refuses repeated original-request headers (400)', async () => {
    expect((await ask(['X-Original-URI', '/public/x', 'X-Original-URI', '/api/x', ...bearer()])).status).toBe(400);
  });

  it('applies audit mode and rate limits like the edge', async () => {
    const audited = await ask(['X-Original-URI', '/audit/x', ...bearer()]);
    expect(audited.status).toBe(200);
    expect(audited.headers['x-auth-app']).toBeUndefined();
    expect((await ask(['X-Original-URI', '/limited/1', ...bearer()])).status).toBe(200);
    const limited = await ask(['X-Original-URI', '/limited/2', ...bearer()]);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeTruthy();
  });

  it('labels its metrics and access lines mode="forward-auth"', async () => {
    await ask(['X-Original-URI', '/api/x', 'Host', 'api.local', ...bearer()]);
    const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    expect(text).toMatch(/tollgate_auth_decisions_total\{route="api",result="allow",reason="ok",mode="forward-auth"\} [1-9]/);
    expect(text).toMatch(/tollgate_requests_total\{route="api",method="GET",status="200",mode="forward-auth"\} [1-9]/);
    expect(gw.logs.some((l) => l.msg === 'request' && l.mode === 'forward-auth' && l.route === 'api')).toBe(true);
  });
});

describe('who may ask', () => {
  it('refuses every decision from an address that is not a trusted proxy (403), so a client cannot pick the path', async () => {
    const strict = await startTestGateway({
      listen: { trustedProxies: ['10.0.0.0/8'] },
      forwardAuth: { path: '/auth/verify', port: 0 },
      routes: [{ name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none' }],
    });
    try {
      expect(strict.gateway.urls.forwardAuth).not.toContain(new URL(strict.url).host);
      const res = await httpRequest(strict.gateway.urls.forwardAuth, { headers: ['X-Original-URI', '/public/x'] });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error).toBe('access_denied');
    } finally {
      await strict.close();
    }
  });

  it('is refused by the config check without trustedProxies', async () => {
    await expect(startTestGateway({ forwardAuth: {} })).rejects.toThrow(/forwardAuth: needs listen\.trustedProxies/);
  });
});
