/**
 * The forward-auth door (issue 14) with requests shaped as each ingress sends them: nginx `auth_request`
 * (X-Original-URI / -Method), ingress-nginx `auth-url` (X-Original-URL), Traefik ForwardAuth and Caddy
 * `forward_auth` (X-Forwarded-Method / -Uri / -Host), Envoy `ext_authz` (original path after the prefix).
 * One gateway per `forwardAuth.ingress`: only that ingress's headers describe the original request, so a client's
 * headers of another convention (which every ingress passes along) cannot choose the path being judged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ingress } from '../../src/edge/original-request.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
const gateways = new Map<Ingress, TestGateway>();
let token: string;

const ROUTES = (upstreamUrl: string) => [
  { name: 'api', match: { path: '/api/*', host: 'api.local' }, upstream: upstreamUrl, app: 'appA', scopes: ['read'] },
  { name: 'writes', match: { path: '/write/*', methods: ['POST'] }, upstream: upstreamUrl, app: 'appA', scopes: ['read'] },
  { name: 'audited', match: { path: '/audit/*' }, upstream: upstreamUrl, app: 'appA', scopes: ['admin'], mode: 'audit' },
  { name: 'limited', match: { path: '/limited/*' }, upstream: upstreamUrl, app: 'appA', rateLimit: { perToken: '1/m' } },
  { name: 'public', match: { path: '/public/*' }, upstream: upstreamUrl, auth: 'none' },
];

beforeAll(async () => {
  upstream = await startUpstream();
  for (const ingress of ['nginx', 'traefik', 'envoy'] as const) {
    const gw = await startTestGateway({ listen: { trustedProxies: ['127.0.0.1', '::1'] }, forwardAuth: { ingress, path: '/auth/verify' }, routes: ROUTES(upstream.url) }, 'memory');
    gateways.set(ingress, gw);
  }
  // Each gateway has its own memory store, so each gets the app (and, on first use, its own tokens).
  for (const gw of gateways.values()) expect((await gw.admin('POST', '/apps', { id: 'appA', name: 'A', scopes: ['read', 'admin'] })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  for (const gw of gateways.values()) await gw.close();
  await upstream.close();
});

const tokens = new Map<string, string>();
async function tokenFor(ingress: Ingress, scopes: string[] = ['read']): Promise<string> {
  const key = `${ingress}:${scopes.join(',')}`;
  if (!tokens.has(key)) tokens.set(key, (await gateways.get(ingress)!.admin('POST', '/apps/appA/tokens', { name: `t-${scopes.join('-') || 'none'}`, scopes })).body.token);
  return tokens.get(key)!;
}
async function ask(ingress: Ingress, headers: string[], opts: { path?: string; method?: string; token?: boolean } = {}) {
  const auth = opts.token === false ? [] : ['Authorization', `Bearer ${await tokenFor(ingress)}`];
  return httpRequest(`${gateways.get(ingress)!.gateway.urls.forwardAuth}${opts.path ?? ''}`, { method: opts.method ?? 'GET', headers: [...headers, ...auth] });
}

describe('nginx: auth_request (X-Original-URI) and ingress-nginx auth-url (X-Original-URL)', () => {
  it('answers 200 with the identity headers for a valid token, and nothing reaches the upstream', async () => {
    const before = upstream.requests.length;
    const res = await ask('nginx', ['X-Original-URI', '/api/items?page=2', 'X-Original-Method', 'GET', 'Host', 'api.local']);
    expect(res.status).toBe(200);
    expect(res.headers['x-auth-app']).toBe('appA');
    expect(res.headers['x-auth-scopes']).toBe('read');
    expect(res.headers['x-auth-token-id']).toMatch(/^tok_/);
    expect(res.headers['x-auth-subject']).toBeTruthy();
    expect(upstream.requests.length).toBe(before);
  });

  it("answers the edge's own refusals: 401 with a challenge, 403 naming the scope, 404 for no route", async () => {
    const none = await ask('nginx', ['X-Original-URI', '/api/items', 'Host', 'api.local'], { token: false });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="tollgate"');
    expect(JSON.parse(none.body).error).toBe('unauthorized');
    const weak = await tokenFor('nginx', []);
    const scope = await httpRequest(gateways.get('nginx')!.gateway.urls.forwardAuth, { headers: ['X-Original-URI', '/api/items', 'Host', 'api.local', 'Authorization', `Bearer ${weak}`] });
    expect(scope.status).toBe(403);
    expect(scope.headers['www-authenticate']).toContain('scope="read"');
    expect((await ask('nginx', ['X-Original-URI', '/nowhere'])).status).toBe(404);
  });

  it('reads path and host from the absolute X-Original-URL of ingress-nginx', async () => {
    expect((await ask('nginx', ['X-Original-URL', 'https://api.local/api/x?y=1', 'X-Original-Method', 'GET', 'Host', 'tollgate.svc'])).status).toBe(200);
    expect((await ask('nginx', ['X-Original-URL', 'https://other.local/api/x', 'Host', 'tollgate.svc'])).status).toBe(404);
  });

  it('refuses both X-Original-URL and X-Original-URI (one of them is the client\'s), and neither', async () => {
    expect((await ask('nginx', ['X-Original-URI', '/api/x', 'X-Original-URL', 'https://api.local/public/x', 'Host', 'api.local'], { token: false })).status).toBe(400);
    expect((await ask('nginx', ['Host', 'api.local'], { token: false })).status).toBe(400);
  });

  it("ignores a client's X-Forwarded-Uri: only nginx's own headers describe the request", async () => {
    const res = await ask('nginx', ['X-Original-URI', '/api/items', 'Host', 'api.local', 'X-Forwarded-Uri', '/public/x'], { token: false });
    expect(res.status).toBe(401);
  });

  it('normalizes the original path exactly as the edge does, and refuses what cannot be normalized', async () => {
    expect((await ask('nginx', ['X-Original-URI', '/public/../api/x', 'Host', 'api.local'], { token: false })).status).toBe(401);
    expect((await ask('nginx', ['X-Original-URI', '/public/..%2fapi/x', 'Host', 'api.local'])).status).toBe(400);
    expect((await ask('nginx', ['X-Original-URI', '/public/x?access_token=abc'])).status).toBe(400);
  });

  it('refuses repeated original-request headers (400)', async () => {
    expect((await ask('nginx', ['X-Original-URI', '/public/x', 'X-Original-URI', '/api/x'])).status).toBe(400);
    expect((await ask('nginx', ['X-Original-URI', '/public/x', 'X-Original-Method', 'GET', 'X-Original-Method', 'POST'])).status).toBe(400);
  });

  it('applies audit mode and rate limits like the edge', async () => {
    const audited = await ask('nginx', ['X-Original-URI', '/audit/x']);
    expect(audited.status).toBe(200);
    expect(audited.headers['x-auth-app']).toBeUndefined();
    expect((await ask('nginx', ['X-Original-URI', '/limited/1'])).status).toBe(200);
    const limited = await ask('nginx', ['X-Original-URI', '/limited/2']);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeTruthy();
  });

  it('labels its metrics and access lines mode="forward-auth"', async () => {
    await ask('nginx', ['X-Original-URI', '/api/x', 'Host', 'api.local']);
    const gw = gateways.get('nginx')!;
    const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    expect(text).toMatch(/tollgate_auth_decisions_total\{route="api",result="allow",reason="ok",mode="forward-auth"\} [1-9]/);
    expect(text).toMatch(/tollgate_requests_total\{route="api",method="GET",status="200",mode="forward-auth"\} [1-9]/);
    expect(gw.logs.some((l) => l.msg === 'request' && l.mode === 'forward-auth' && l.route === 'api')).toBe(true);
  });
});

describe('traefik / caddy: X-Forwarded-Method, -Uri, -Host', () => {
  const traefik = (uri: string, method = 'GET', host = 'api.local') => ['X-Forwarded-Method', method, 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', host, 'X-Forwarded-Uri', uri, 'X-Forwarded-For', '203.0.113.9'];

  it('decides on the original method, URI and host, not the GET the ingress sends', async () => {
    expect((await ask('traefik', traefik('/write/orders', 'POST', 'shop.local'))).status).toBe(200);
    expect((await ask('traefik', traefik('/write/orders', 'GET', 'shop.local'))).status).toBe(404);
    expect((await ask('traefik', traefik('/api/items'))).status).toBe(200);
  });

  // Traefik's ForwardAuth without authRequestHeaders (its default) and Caddy's forward_auth pass every client
  // header to the decision beside their own X-Forwarded-*, so another ingress's names can arrive from the client.
  it("a client's X-Original-URI or -URL does not override X-Forwarded-Uri", async () => {
    expect((await ask('traefik', [...traefik('/api/items'), 'X-Original-URI', '/public/x'], { token: false })).status).toBe(401);
    expect((await ask('traefik', [...traefik('/api/items'), 'X-Original-URL', 'https://api.local/public/x'], { token: false })).status).toBe(401);
  });

  it('refuses a request without X-Forwarded-Uri, or with it twice (400)', async () => {
    expect((await ask('traefik', ['X-Original-URI', '/public/x'])).status).toBe(400);
    expect((await ask('traefik', [...traefik('/api/items'), 'X-Forwarded-Uri', '/public/x'])).status).toBe(400);
  });
});

describe('envoy: ext_authz HTTP service', () => {
  it('decides on the original method and the path after the prefix, with the original Host', async () => {
    expect((await ask('envoy', ['Host', 'api.local'], { path: '/api/items?x=1' })).status).toBe(200);
    expect((await ask('envoy', ['Host', 'shop.local', 'Content-Length', '0'], { path: '/write/orders', method: 'POST' })).status).toBe(200);
    expect((await ask('envoy', ['Host', 'shop.local'], { path: '/public/x', token: false })).status).toBe(200);
  });

  it("ignores a client's X-Original-URI and X-Forwarded-Uri", async () => {
    const res = await ask('envoy', ['Host', 'api.local', 'X-Original-URI', '/public/x', 'X-Forwarded-Uri', '/public/x'], { path: '/api/items', token: false });
    expect(res.status).toBe(401);
  });

  it("tells Envoy to remove every X-Auth-* header the client sent and every identity header it does not set", async () => {
    const pub = await ask('envoy', ['Host', 'shop.local', 'X-Auth-App', 'spoofed', 'X-Auth-Role', 'root'], { path: '/public/x', token: false });
    expect(pub.status).toBe(200);
    const removed = String(pub.headers['x-envoy-auth-headers-to-remove']).split(', ');
    expect(removed).toEqual(expect.arrayContaining(['x-auth-app', 'x-auth-subject', 'x-auth-scopes', 'x-auth-token-id', 'x-auth-client-id', 'x-auth-role']));
    const allowed = await ask('envoy', ['Host', 'api.local', 'X-Auth-Client-Id', 'spoofed'], { path: '/api/items' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['x-auth-app']).toBe('appA');
    // An api token has no client: the client's X-Auth-Client-Id must go, the identity Envoy copies must stay.
    expect(String(allowed.headers['x-envoy-auth-headers-to-remove']).split(', ')).toEqual(['x-auth-client-id']);
  });
});

describe('who may ask', () => {
  it('refuses every decision from an address that is not a trusted proxy (403), so a client cannot pick the path', async () => {
    const strict = await startTestGateway({
      listen: { trustedProxies: ['10.0.0.0/8'] },
      forwardAuth: { ingress: 'nginx', path: '/auth/verify', port: 0 },
      routes: [{ name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none' }],
    }, 'memory');
    try {
      expect(strict.gateway.urls.forwardAuth).not.toContain(new URL(strict.url).host);
      const res = await httpRequest(strict.gateway.urls.forwardAuth, { headers: ['X-Original-URI', '/public/x'] });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error).toBe('access_denied');
    } finally {
      await strict.close();
    }
  });

  it('is refused by the config check without trustedProxies, or without naming the ingress', async () => {
    await expect(startTestGateway({ forwardAuth: { ingress: 'nginx' } }, 'memory')).rejects.toThrow(/forwardAuth: needs listen\.trustedProxies/);
    await expect(startTestGateway({ listen: { trustedProxies: ['127.0.0.1'] }, forwardAuth: {} }, 'memory')).rejects.toThrow(/forwardAuth\.ingress: expected the ingress that asks/);
  });
});
