/**
 * Decisions are made on exactly what is forwarded (issue 11.3, 11.4, 11.7): the raw header list, bounded by
 * listen.limits.maxHeaders; query-string tokens on every route; one normalized Host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { rawExchange } from '../helpers/raw-socket.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
let tokenA: string;
let port: number;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    listen: { limits: { maxHeaders: 50 } },
    routes: [
      { name: 'by-header', match: { path: '/hdr/*' }, upstream: upstream.url, app: { header: 'X-RP-App' } },
      { name: 'secure', match: { path: '/*', host: 'secure.local' }, upstream: upstream.url, app: 'appA' },
      { name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none' },
      { name: 'catch-all', match: { path: '/*' }, upstream: upstream.url, auth: 'none' },
    ],
  });
  port = Number(new URL(gw.url).port);
  for (const id of ['appA', 'appB']) expect((await gw.admin('POST', '/apps', { id, name: id, scopes: [] })).status).toBe(201);
  tokenA = (await gw.admin('POST', '/apps/appA/tokens', { name: 'a', scopes: [] })).body.token;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

function filler(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`X-Filler-${i}`, 'x');
  return out;
}

describe('header counts and header-bound apps', () => {
  it('answers 431 to more header fields than maxHeaders, without reaching the upstream', async () => {
    const before = upstream.requests.length;
    const res = await httpRequest(`${gw.url}/hdr/x`, { headers: ['X-RP-App', 'appA', ...filler(60), 'X-RP-App', 'appB', 'Authorization', `Bearer ${tokenA}`] });
    expect(res.status).toBe(431);
    expect(upstream.requests.length).toBe(before);
  });

  it('refuses a header-bound request that names its app twice, even far apart (400, never forwarded)', async () => {
    const before = upstream.requests.length;
    const res = await httpRequest(`${gw.url}/hdr/x`, { headers: ['X-RP-App', 'appA', ...filler(30), 'X-RP-App', 'appB', 'Authorization', `Bearer ${tokenA}`] });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
    expect(upstream.requests.length).toBe(before);
  });

  it('drops the underscore twin of the app header, so the upstream sees only the value that was checked', async () => {
    const before = upstream.requests.length;
    const res = await httpRequest(`${gw.url}/hdr/x`, { headers: ['X-RP-App', 'appA', 'X_RP_App', 'appB', 'X_Auth_App', 'evil', 'Authorization', `Bearer ${tokenA}`] });
    expect(res.status).toBe(200);
    const seen = upstream.requests[before]!;
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toContain('x_rp_app');
    expect(names).not.toContain('x_auth_app');
    expect(seen.headers['x-rp-app']).toBe('appA');
    expect(seen.headers['x-auth-app']).toBe('appA');
  });

  it("puts the gateway's identity headers ahead of the client's, where an upstream header limit cannot cut them off", async () => {
    const before = upstream.requests.length;
    const res = await httpRequest(`${gw.url}/hdr/x`, { headers: [...filler(40), 'X-RP-App', 'appA', 'Authorization', `Bearer ${tokenA}`] });
    expect(res.status).toBe(200);
    const names = upstream.requests[before]!.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.indexOf('x-auth-app')).toBeLessThan(names.indexOf('x-filler-0'));
    expect(names.indexOf('x-auth-token-id')).toBeLessThan(names.indexOf('x-filler-0'));
  });
});

describe('tokens in the query string', () => {
  it('are refused with 400 on every route, including auth: none, and never forwarded', async () => {
    const before = upstream.requests.length;
    for (const path of ['/public/x?access_token=abc', '/hdr/x?a=1&access_token=abc', '/anything?%61ccess_token=abc']) {
      const res = await fetch(`${gw.url}${path}`, { headers: { 'x-rp-app': 'appA' } });
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    }
    expect(upstream.requests.length).toBe(before);
  });
});

describe('the Host header, normalized once', () => {
  it('matches a host-scoped route with a trailing dot, in any case, with a port', async () => {
    for (const host of ['secure.local', 'secure.local.', 'SECURE.Local', 'secure.local.:8080']) {
      const res = await httpRequest(`${gw.url}/x`, { headers: ['Host', host] });
      // The host-scoped route needs a token: a 401 shows it matched instead of falling through to the catch-all.
      expect(res.status, host).toBe(401);
    }
  });

  it('refuses a Host that cannot be parsed instead of falling through to a catch-all', async () => {
    const before = upstream.requests.length;
    for (const host of ['x@secure.local', 'secure.local:abc', 'secure.local:99999', 'secure.local..', 'a b']) {
      const res = await rawExchange(port, `GET /x HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(res.status, host).toBe(400);
      res.socket.destroy();
    }
    expect(upstream.requests.length).toBe(before);
  });
});
