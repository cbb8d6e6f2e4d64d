/**
 * Routes with a `cors` block (issue 13.4): the gateway answers preflights itself (no token, never 401) and puts
 * its allow-origin on every answer, its own refusals included. Checked over HTTP and in a real Chromium.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { BROWSER_TEST_TIMEOUT, haveChromium, launchChromium } from '../console/browser.js';

let upstream: TestUpstream;
let gw: TestGateway;
let page: Server;
let pageOrigin: string;
let token: string;

beforeAll(async () => {
  // The web app's own origin: a page server on another port, so every call to the gateway is cross-origin.
  page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  upstream = await startUpstream((req, res, body) => {
    // An upstream with its own (too generous) CORS answer, which the route's must replace.
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify({ method: req.method, body }));
  });
  gw = await startTestGateway({
    routes: [
      { name: 'web', match: { path: '/web/*' }, upstream: upstream.url, app: 'appA', cors: { origins: [pageOrigin], methods: ['GET', 'PUT'], headers: ['Authorization', 'Content-Type'], maxAge: '10m' } },
      { name: 'plain', match: { path: '/plain/*' }, upstream: upstream.url, app: 'appA' },
    ],
  });
  expect((await gw.admin('POST', '/apps', { id: 'appA', name: 'A', scopes: [] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/appA/tokens', { name: 'web', scopes: [] })).body.token;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
  await new Promise((resolve) => page.close(resolve));
});

const preflight = (path: string, origin: string, method = 'PUT', headers = 'authorization, content-type') =>
  fetch(`${gw.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });

describe('route cors over HTTP', () => {
  it('answers an allowed preflight itself with 204 and the allowing headers, without a token or the upstream', async () => {
    const before = upstream.requests.length;
    const res = await preflight('/web/x', pageOrigin);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(pageOrigin);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(upstream.requests.length).toBe(before);
  });

  it('refuses a preflight from another origin or for another method (403, no allow-origin)', async () => {
    for (const res of [await preflight('/web/x', 'https://evil.example'), await preflight('/web/x', pageOrigin, 'DELETE')]) {
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it("puts the route's allow-origin on forwarded answers in place of the upstream's, and on its own 401", async () => {
    const ok = await fetch(`${gw.url}/web/x`, { headers: { origin: pageOrigin, authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(pageOrigin);
    const refused = await fetch(`${gw.url}/web/x`, { headers: { origin: pageOrigin } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(pageOrigin);
    const stranger = await fetch(`${gw.url}/web/x`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves OPTIONS on a route without cors to the normal pipeline (a token is needed)', async () => {
    expect((await preflight('/plain/x', pageOrigin)).status).toBe(401);
  });
});

const HAVE_CHROMIUM = haveChromium('the route CORS test in a real browser');

describe.skipIf(!HAVE_CHROMIUM)('route cors in Chromium', () => {
  it('lets a page on the allowed origin call the API with its token (preflight and PUT), and blocks another origin', { timeout: BROWSER_TEST_TIMEOUT }, async () => {
    const browser = await launchChromium();
    try {
      const tab = await (await browser.newContext()).newPage();
      await tab.goto(pageOrigin);
      const call = `fetch(${JSON.stringify(`${gw.url}/web/items`)}, { method: 'PUT', headers: { authorization: 'Bearer ${token}', 'content-type': 'application/json' }, body: '{"a":1}' })
        .then(async (r) => ({ status: r.status, body: await r.text() }), (e) => ({ status: 0, body: String(e) }))`;
      const allowed = await tab.evaluate(call) as { status: number; body: string };
      expect(allowed.status).toBe(200);
      expect(JSON.parse(allowed.body)).toEqual({ method: 'PUT', body: '{"a":1}' });
      const withoutToken = await tab.evaluate(call.replace(`Bearer ${token}`, 'Bearer tg_a_x')) as { status: number };
      expect(withoutToken.status).toBe(401);

      // The same call from a page on an origin the route does not list fails in the browser.
      const other = await (await browser.newContext()).newPage();
      await other.goto(`${upstream.url}/`);
      const blocked = await other.evaluate(call) as { status: number };
      expect(blocked.status).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
