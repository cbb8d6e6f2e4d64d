import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw-socket.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;
let port: number;
let token: string;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    listen: { limits: { maxHeaderSize: 8192 } },
    routes: [
      { name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none' },
      { name: 'private', match: { path: '/private/*' }, upstream: upstream.url, app: 'a1' },
    ],
  }, 'memory');
  port = Number(new URL(gw.url).port);
  expect((await gw.admin('POST', '/apps', { id: 'a1', name: 'A1', scopes: [] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/a1/tokens', { name: 't', scopes: [] })).body.token;
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const H = 'Host: gw.test\r\n';

/** Sends raw bytes and returns the answer plus whatever reached the upstream meanwhile. */
async function send(data: string) {
  const before = upstream.requests.length;
  const answer = await rawExchange(port, data);
  return { ...answer, reached: upstream.requests.slice(before) };
}

describe('request smuggling and framing over raw sockets (Node 20 llhttp, insecureHTTPParser off)', () => {
  it.each([
    ['Content-Length with Transfer-Encoding (CL.TE)', `POST /public/x HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /private/y HTTP/1.1\r\n${H}\r\n`],
    ['Transfer-Encoding: chunked, identity', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`],
    ['space before the colon (Transfer-Encoding :)', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`],
    ['two different Content-Lengths', `POST /public/x HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde`],
    ['two equal Content-Lengths', `POST /public/x HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\n\r\nabcde`],
    ['a Content-Length list', `POST /public/x HTTP/1.1\r\n${H}Content-Length: 5, 5\r\n\r\nabcde`],
    ['a signed Content-Length', `POST /public/x HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`],
    ['obs-fold (a continuation line)', `GET /public/x HTTP/1.1\r\n${H}X-A: a\r\n b\r\n\r\n`],
    ['bare LF line endings', `GET /public/x HTTP/1.1\nHost: gw.test\n\n`],
    ['a bare LF inside the header block', `GET /public/x HTTP/1.1\r\nHost: gw.test\nX-A: b\r\n\r\n`],
    ['a bare CR inside the header block', `GET /public/x HTTP/1.1\r\nHost: gw.test\rX-A: b\r\n\r\n`],
    ['an invalid chunk size', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`],
    ['a chunk line ended by a bare LF', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;x\nabc\r\n0\r\n\r\n`],
    ['an unknown transfer coding', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\nabc`],
    ['two Transfer-Encoding headers', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ['NUL in a header value', `GET /public/x HTTP/1.1\r\n${H}X-A: a\0b\r\n\r\n`],
    ['no Host in HTTP/1.1', `GET /public/x HTTP/1.1\r\n\r\n`],
    ['an HTTP/2 preface', `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`],
  ])('%s: 400 and the connection closed, nothing upstream', async (_name, data) => {
    const answer = await send(data);
    expect(answer.status).toBe(400);
    await answer.closed;
    expect(answer.reached).toEqual([]);
  });

  it.each([
    ['Transfer-Encoding: identity, chunked', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n`],
    ['a doubled Host', `GET /public/x HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n`],
    ['a doubled Host, differently cased', `GET /public/x HTTP/1.1\r\nHost: a.test\r\nhOST: b.test\r\n\r\n`],
  ])('%s (Node accepts it; the gateway refuses): 400, closed, nothing upstream', async (_name, data) => {
    const answer = await send(data);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toBe('invalid_request');
    await answer.closed;
    expect(answer.reached).toEqual([]);
  });

  it('smuggles nothing past a forwarded request: a CL.TE body never becomes a second upstream request', async () => {
    const smuggled = `GET /private/y HTTP/1.1\r\n${H}\r\n`;
    const answer = await send(`POST /public/x HTTP/1.1\r\n${H}Content-Length: ${4 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`);
    expect(answer.status).toBe(400);
    await answer.closed;
    expect(upstream.requests.some((r) => r.url.startsWith('/private'))).toBe(false);
  });

  it('re-frames a chunked body itself: the upstream gets exactly the decoded bytes', async () => {
    const answer = await send(`POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n`);
    expect(answer.status).toBe(200);
    expect(answer.reached).toHaveLength(1);
    expect(answer.reached[0]!.body).toBe('abcde');
  });

  it('answers 431 for a header block over listen.limits.maxHeaderSize (8 KiB here, below Node\'s 16 KiB default) and closes', async () => {
    const ok = await send(`GET /public/x HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(6000)}\r\nConnection: close\r\n\r\n`);
    expect(ok.status).toBe(200);
    const big = await send(`GET /public/x HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(10_000)}\r\n\r\n`);
    expect(big.status).toBe(431);
    await big.closed;
    expect(big.reached).toEqual([]);
  });

  it('answers 431 for a request line over the limit (the URL counts toward the header size) and closes', async () => {
    const answer = await send(`GET /public/${'a'.repeat(10_000)} HTTP/1.1\r\n${H}\r\n`);
    expect(answer.status).toBe(431);
    await answer.closed;
    expect(answer.reached).toEqual([]);
  });

  it('never lets an absolute-form target choose the upstream host', async () => {
    const answer = await send(`GET http://evil.example/public/x HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
    expect(answer.status).toBe(200);
    expect(answer.reached).toHaveLength(1);
    expect(answer.reached[0]!.url).toBe('/public/x');
    expect(answer.reached[0]!.headers.host).toBe(new URL(upstream.url).host);
    // RFC 9112 3.2.2: the target's authority replaces Host; the route was chosen by it, so the forwarded host is it too.
    expect(answer.reached[0]!.headers['x-forwarded-host']).toBe('evil.example');
  });

  it('authorizes an absolute-form target like its path: a protected path still needs a token', async () => {
    const answer = await send(`GET http://evil.example/private/x HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
    expect(answer.status).toBe(401);
    expect(answer.reached).toEqual([]);
  });

  it('treats //host/... as a path on the gateway, never as an authority', async () => {
    const elsewhere = await send(`GET //evil.example/public/x HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.reached).toEqual([]);
    const collapsed = await send(`GET //public//x HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
    expect(collapsed.status).toBe(200);
    expect(collapsed.reached.map((r) => [r.url, r.headers.host])).toEqual([['/public/x', new URL(upstream.url).host]]);
  });

  it('refuses CONNECT and asterisk-form targets without reaching the upstream', async () => {
    for (const data of [`CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`, `OPTIONS * HTTP/1.1\r\n${H}Connection: close\r\n\r\n`]) {
      const answer = await send(data);
      expect(answer.status === 0 || (answer.status >= 400 && answer.status < 500)).toBe(true);
      await answer.closed;
      expect(answer.reached).toEqual([]);
    }
  });

  it('Expect: 100-continue on a protected route without a token: a 401 without a 100 first, and no body reaches the upstream', async () => {
    const answer = await send(`POST /private/x HTTP/1.1\r\n${H}Content-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(401);
    expect(answer.interim).toEqual([]);
    expect(answer.reached).toEqual([]);
  });

  it('Expect: 100-continue with a valid token: 100 only after authorization, then the body is forwarded once, framed by the gateway', async () => {
    const before = upstream.requests.length;
    const answer = await rawExchange(port, `POST /private/x HTTP/1.1\r\n${H}Authorization: Bearer ${token}\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`, 'abc');
    expect(answer.interim).toEqual([100]);
    expect(answer.status).toBe(200);
    expect(upstream.requests.slice(before).map((r) => [r.url, r.body, r.headers['x-auth-app']])).toEqual([['/private/x', 'abc', 'a1']]);
  });
});
