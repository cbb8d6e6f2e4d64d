import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
let token: string;
let otherAppToken: string;
let installToken: string;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    routes: [
      { name: 'reports', match: { path: '/rp/api/bulk/:rpAppId/*', methods: ['GET', 'POST'] }, upstream: upstream.url, app: { param: 'rpAppId' }, scopes: ['reporting'] },
      { name: 'controls', match: { path: '/v1/controls/*' }, upstream: `${upstream.url}/base`, stripPrefix: '/v1', app: 'hyperproof', anyScopes: ['control.read', 'control.write'] },
      { name: 'by-header', match: { path: '/hdr/*' }, upstream: upstream.url, app: { header: 'X-RP-App' } },
      { name: 'enrol', match: { path: '/enrol/*' }, upstream: upstream.url, app: 'rp1', kinds: ['install'] },
      { name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none' },
      { name: 'admin-api', match: { path: '/internal/*' }, upstream: upstream.url, app: 'rp1', scopes: ['app.config'] },
    ],
  });
  expect((await gw.admin('POST', '/apps', { id: 'rp1', name: 'RP one', scopes: ['reporting', 'app.config'] })).status).toBe(201);
  expect((await gw.admin('POST', '/apps', { id: 'rp2', name: 'RP two', scopes: ['reporting'] })).status).toBe(201);
  expect((await gw.admin('POST', '/apps', { id: 'hyperproof', name: 'Hyperproof', scopes: ['control.read', 'control.write'] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/rp1/tokens', { name: 'reporter', scopes: ['reporting'] })).body.token;
  otherAppToken = (await gw.admin('POST', '/apps/rp2/tokens', { name: 'reporter', scopes: ['reporting'] })).body.token;
  installToken = (await gw.admin('POST', '/apps/rp1/tokens', { name: 'installer', kind: 'install' })).body.token;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

function call(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return fetch(`${gw.url}${path}`, init);
}
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('edge proxy: authentication outcomes (RFC 6750)', () => {
  it('forwards a valid token with identity headers and without Authorization', async () => {
    const before = upstream.requests.length;
    const res = await call('/rp/api/bulk/rp1/items?page=2', { headers: bearer(token) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-upstream')).toBe('yes');
    const seen = upstream.requests[before]!;
    expect(seen.url).toBe('/rp/api/bulk/rp1/items?page=2');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-auth-app']).toBe('rp1');
    expect(seen.headers['x-auth-scopes']).toBe('reporting');
    expect(seen.headers['x-auth-token-id']).toMatch(/^tok_/);
    expect(seen.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
  });

  it('answers 401 with a bare challenge when no credentials are sent, and for non-Bearer schemes', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }] as Record<string, string>[]) {
      const res = await call('/rp/api/bulk/rp1/x', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tollgate"');
    }
  });

  it('answers 400 for two Authorization headers (Node would fold them)', async () => {
    const res = await httpRequest(`${gw.url}/rp/api/bulk/rp1/x`, { headers: ['Authorization', `Bearer ${token}`, 'Authorization', `Bearer ${token}`] });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });

  it('treats the scheme name case-insensitively', async () => {
    const res = await call('/rp/api/bulk/rp1/x', { headers: { authorization: `bEaReR ${token}` } });
    expect(res.status).toBe(200);
  });

  it.each([
    ['no token', 'Bearer'],
    ['a quote', 'Bearer a"b'],
    ['a space inside', 'Bearer a b'],
    ['an oversized value', `Bearer ${'a'.repeat(5000)}`],
  ])('answers 400 invalid_request for a malformed header: %s', async (_label, value) => {
    const res = await call('/rp/api/bulk/rp1/x', { headers: { authorization: value } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('refuses a token in the query string with 400 and never forwards it', async () => {
    const before = upstream.requests.length;
    const res = await call(`/rp/api/bulk/rp1/x?access_token=${token}`, { headers: bearer(token) });
    expect(res.status).toBe(400);
    expect(upstream.requests.length).toBe(before);
  });

  it('answers 401 invalid_token with code 1201046 for a bad checksum, an unknown token, and a revoked token', async () => {
    const flipped = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
    const created = await gw.admin('POST', '/apps/rp1/tokens', { name: 'to-revoke', scopes: ['reporting'] });
    expect((await call('/rp/api/bulk/rp1/x', { headers: bearer(created.body.token) })).status).toBe(200);
    expect((await gw.admin('DELETE', `/apps/rp1/tokens/${created.body.id}`)).status).toBe(204);
    for (const t of [flipped, 'tg_a_' + 'x'.repeat(49), created.body.token]) {
      const res = await call('/rp/api/bulk/rp1/x', { headers: bearer(t) });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'the access token is invalid, expired or revoked', code: '1201046' });
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('binds tokens to one app: another app\'s token is 401, not 403', async () => {
    const res = await call('/rp/api/bulk/rp1/x', { headers: bearer(otherAppToken) });
    expect(res.status).toBe(401);
    expect((await call('/rp/api/bulk/rp2/x', { headers: bearer(otherAppToken) })).status).toBe(200);
  });

  it('binds the app from a header', async () => {
    expect((await call('/hdr/x', { headers: { ...bearer(token), 'x-rp-app': 'rp1' } })).status).toBe(200);
    expect((await call('/hdr/x', { headers: { ...bearer(token), 'x-rp-app': 'rp2' } })).status).toBe(401);
    expect((await call('/hdr/x', { headers: bearer(token) })).status).toBe(401);
  });

  it('answers 403 insufficient_scope naming the scope the route needs', async () => {
    const res = await call('/internal/settings', { headers: bearer(token) });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(res.headers.get('www-authenticate')).toContain('scope="app.config"');
    expect(((await res.json()) as { error: string }).error).toBe('insufficient_scope');
  });

  it('accepts any one of anyScopes and strips the configured prefix', async () => {
    const t = (await gw.admin('POST', '/apps/hyperproof/tokens', { name: 'writer', scopes: ['control.write'] })).body.token;
    const before = upstream.requests.length;
    expect((await call('/v1/controls/42', { headers: bearer(t) })).status).toBe(200);
    expect(upstream.requests[before]!.url).toBe('/base/controls/42');
  });

  it('admits install tokens only on routes that list kind install', async () => {
    expect((await call('/enrol/device', { headers: bearer(installToken) })).status).toBe(200);
    expect((await call('/rp/api/bulk/rp1/x', { headers: bearer(installToken) })).status).toBe(401);
    expect((await call('/enrol/device', { headers: bearer(token) })).status).toBe(401);
  });
});

describe('edge proxy: routing and paths', () => {
  it('answers 404 when no route matches and forwards nothing', async () => {
    const before = upstream.requests.length;
    const res = await call('/nowhere', { headers: bearer(token) });
    expect(res.status).toBe(404);
    expect(upstream.requests.length).toBe(before);
  });

  it('serves auth: none routes without a token', async () => {
    expect((await call('/public/ping')).status).toBe(200);
  });

  it.each(['/public/../internal/settings', '/public/%2e%2e/internal/settings', '/public/%2E%2E/internal/settings', '//internal/settings', '/public/./../internal/settings', '/INTERNAL/settings', '/%69nternal/settings'])(
    'authorizes the canonical path: %s is held to the protected route',
    async (path) => {
      const before = upstream.requests.length;
      const res = await call(path);
      expect(res.status).toBe(401);
      expect(upstream.requests.length).toBe(before);
    },
  );

  it.each(['/public/..%2finternal/settings', '/public/%2e%2e%2finternal', '/public/%252e%252e/internal', '/public/..;/internal/settings', '/public/a%00b', '/public/a%5Cb'])(
    'rejects what cannot be normalized safely with 400: %s',
    async (path) => {
      const before = upstream.requests.length;
      const res = await call(path);
      expect(res.status).toBe(400);
      expect(upstream.requests.length).toBe(before);
    },
  );

  it('forwards the normalized path', async () => {
    const before = upstream.requests.length;
    await call('/public/a/./b/../c//d?q=%2e');
    expect(upstream.requests[before]!.url).toBe('/public/a/c/d?q=%2e');
  });
});

describe('edge proxy: headers and bodies', () => {
  it('drops spoofed identity headers, hop-by-hop headers and those named in Connection, then adds its own', async () => {
    const before = upstream.requests.length;
    const res = await httpRequest(`${gw.url}/rp/api/bulk/rp1/x`, {
      headers: ['Authorization', `Bearer ${token}`, 'X-Auth-App', 'evil', 'X_Auth_Subject', 'root', 'x-auth-scopes', 'everything', 'Connection', 'keep-alive, X-Auth-App, x-custom', 'x-custom', '1', 'X-Forwarded-For', '6.6.6.6', 'X-Request-Id', 'abc-123'],
    });
    expect(res.status).toBe(200);
    const seen = upstream.requests[before]!;
    expect(seen.headers['x-auth-app']).toBe('rp1');
    expect(seen.headers['x-auth-scopes']).toBe('reporting');
    expect(seen.rawHeaders.filter((h) => /^x[-_]auth[-_]subject$/i.test(h))).toEqual(['x-auth-subject']);
    expect(seen.headers['x-custom']).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-request-id']).toBe('abc-123');
  });

  it('streams request and response bodies', async () => {
    const payload = 'x'.repeat(256 * 1024);
    const res = await call('/rp/api/bulk/rp1/upload', { method: 'POST', headers: { ...bearer(token), 'content-type': 'text/plain' }, body: payload });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { body: string }).body.length).toBe(payload.length);
  });
});
