/**
 * The holes an independent attack run found in the rebuilt edge, each as the test that would have caught it:
 * silent connections holding every slot, a parse error answered in place of an earlier request's response,
 * routing-override and client-address headers from untrusted peers, hosts with escapes, secrets in URLs under
 * any name, preflights on method-restricted routes, binding headers named in Connection, HTTP/1.0 chunked,
 * absolute-form authorities, Windows and Unicode path tricks.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { openRawClient } from '../helpers/raw-client.js';
import { rawExchange } from '../helpers/raw-socket.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
let port: number;
let token: string;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    routes: [
      { name: 'secure', match: { path: '/*', host: 'secure.local' }, upstream: upstream.url, app: 'appA' },
      { name: 'cors', match: { path: '/cors/*', methods: ['GET'] }, upstream: upstream.url, app: 'appA', cors: { origins: ['https://app.example'] } },
      { name: 'by-header', match: { path: '/hdr/*' }, upstream: upstream.url, app: { header: 'X-RP-App' } },
      { name: 'items', match: { path: '/items/*' }, upstream: upstream.url, app: 'appA' },
      { name: 'public', match: { path: '/*' }, upstream: upstream.url, auth: 'none' },
    ],
  }, 'memory');
  port = Number(new URL(gw.url).port);
  expect((await gw.admin('POST', '/apps', { id: 'appA', name: 'A', scopes: [] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/appA/tokens', { name: 'a', scopes: [] })).body.token;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('connections', () => {
  it('closes connections that never send a request after headersTimeout, so they cannot hold every slot of maxConnections', async () => {
    const small = await startTestGateway({
      listen: { limits: { headersTimeout: '1s', maxConnections: 5 } },
      routes: [{ name: 'public', match: { path: '/*' }, upstream: upstream.url, auth: 'none' }],
    }, 'memory');
    try {
      const smallPort = Number(new URL(small.url).port);
      const silent: Socket[] = await Promise.all(Array.from({ length: 5 }, () => new Promise<Socket>((resolve) => {
        const socket = connect(smallPort, '127.0.0.1', () => resolve(socket));
        socket.on('error', () => undefined);
        // Read, or the client never notices the server's close.
        socket.resume();
      })));
      await Promise.all(silent.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
      const after = await rawExchange(smallPort, 'GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
      expect(after.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('answers a request it cannot parse after the response owed to the request before it, not instead of it', async () => {
    const client = await openRawClient(port);
    client.write(`DELETE /items/42 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer ${token}\r\n\r\nFOO\x01 /x HTTP/1.1\r\nHost: a\r\n\r\n`);
    const first = await client.next(5_000);
    expect(first?.status).toBe(200);
    expect(JSON.parse(first!.body).url).toBe('/items/42');
    const second = await client.next(5_000);
    expect(second?.status).toBe(400);
    expect(JSON.parse(second!.body).error).toBe('invalid_request');
    await client.closed;
  });

  it('answers exactly once a request refused for its framing behind a pipelined one, however Node then fails to parse it', async () => {
    const client = await openRawClient(port);
    client.write('DELETE /d HTTP/1.1\r\nHost: a\r\n\r\nPOST /e HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x\r\n\r\n');
    expect((await client.next(5_000))?.status).toBe(200);
    expect((await client.next(5_000))?.status).toBe(400);
    expect(await client.next(5_000)).toBeNull();
  });

  it('answers CONNECT with 405 instead of dropping it', async () => {
    const res = await rawExchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(res.status).toBe(405);
    await res.closed;
  });
});

describe('headers an untrusted client may not pass on', () => {
  it('drops routing-override, method-override and client-address headers, and every underscore header', async () => {
    const before = upstream.requests.length;
    const res = await httpRequest(`${gw.url}/x`, { headers: [
      'X-Original-URL', '/admin', 'X-Rewrite-URL', '/admin', 'X-HTTP-Method-Override', 'DELETE', 'X-Forwarded-Prefix', '/evil',
      'X-Forwarded-Server', 'evil', 'True-Client-IP', '1.2.3.4', 'X-Client-IP', '1.2.3.4', 'Content_Length', '40', 'X_Custom', 'v', 'X-Kept', 'yes',
      'Client-IP', '1.2.3.4', 'X-ProxyUser-Ip', '1.2.3.4', 'X-Host', 'evil.example',
    ] });
    expect(res.status).toBe(200);
    const seen = upstream.requests[before]!.headers;
    for (const name of ['x-original-url', 'x-rewrite-url', 'x-http-method-override', 'x-forwarded-prefix', 'x-forwarded-server', 'true-client-ip', 'x-client-ip', 'content_length', 'x_custom', 'client-ip', 'x-proxyuser-ip', 'x-host']) {
      expect(seen[name], name).toBeUndefined();
    }
    expect(seen['x-kept']).toBe('yes');
  });

  it('refuses a header-bound request whose app header is listed in Connection (it would be judged, then dropped)', async () => {
    const res = await httpRequest(`${gw.url}/hdr/x`, { headers: ['X-RP-App', 'appA', 'Connection', 'X-RP-App', 'Authorization', `Bearer ${token}`] });
    expect(res.status).toBe(400);
  });
});

describe('hosts, framing and targets', () => {
  it('refuses hosts with escapes or separators instead of falling through to the catch-all', async () => {
    const before = upstream.requests.length;
    for (const host of ['secure%2elocal', 'secure.local;x', 'secure.local,evil']) {
      const res = await rawExchange(port, `GET /x HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(res.status, host).toBe(400);
    }
    expect(upstream.requests.length).toBe(before);
  });

  it('routes an absolute-form request by its authority, not by Host, and forwards that same host', async () => {
    const res = await rawExchange(port, 'GET http://secure.local/x HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(401);
    const before = upstream.requests.length;
    const other = await rawExchange(port, 'GET http://other.example/x HTTP/1.1\r\nHost: secure.local\r\nConnection: close\r\n\r\n');
    expect(other.status).toBe(200);
    expect(upstream.requests[before]!.headers['x-forwarded-host']).toBe('other.example');
    expect((await rawExchange(port, 'GET http:///x HTTP/1.1\r\nHost: secure.local\r\nConnection: close\r\n\r\n')).status).toBe(400);
  });

  it('refuses TRACE (it echoes credentials back) with 405', async () => {
    expect((await rawExchange(port, 'TRACE /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).status).toBe(405);
  });

  it('refuses chunked framing on HTTP/1.0', async () => {
    const res = await rawExchange(port, 'POST /x HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    expect(res.status).toBe(400);
    await res.closed;
  });

  it('refuses paths some server would read differently: trailing dots or spaces, overlong UTF-8, look-alike separators', async () => {
    const before = upstream.requests.length;
    for (const path of ['/items./x', '/items%20/x', '/%c0%ae%c0%ae/items', '/public%ef%bc%8f..%ef%bc%8fitems', '/a%e2%88%95b']) {
      expect((await httpRequest(`${gw.url}${path}`)).status, path).toBe(400);
    }
    expect(upstream.requests.length).toBe(before);
  });

  it('accepts brackets and pipes in the query, as clients send them', async () => {
    expect((await httpRequest(`${gw.url}/x?a[]=1&b=c|d`)).status).toBe(200);
  });
});

describe('secrets in URLs', () => {
  it('refuses any tollgate secret in the query, whatever the parameter is called or however it is escaped', async () => {
    const before = upstream.requests.length;
    const escaped = token.replace(/^tg_/, '%74g_');
    const underscores = token.replace(/_/g, '%5F');
    for (const query of [`a=1;access_token=${token}`, `access.token=${token}`, `x=${token}`, `access%5Btoken=${token}`, `q=${escaped}`,
      `a=%zz&t=${underscores}`, `a=100%&t=${underscores}`, `t=${token.replace(/_/g, '%255F')}`]) {
      const res = await httpRequest(`${gw.url}/x?${query}`);
      expect(res.status, query).toBe(400);
    }
    expect((await httpRequest(`${gw.url}/x;t=${token}`)).status).toBe(400);
    expect(upstream.requests.length).toBe(before);
  });

  it('does not mistake a token-shaped string with a wrong checksum for a secret', async () => {
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await httpRequest(`${gw.url}/x?x=${wrong}`)).status).toBe(200);
  });
});

describe('CORS preflights', () => {
  it('answers a preflight on a route whose methods do not list OPTIONS', async () => {
    const res = await fetch(`${gw.url}/cors/x`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});
