/**
 * Issue 11 item 2: every request gets exactly one answer, on every listener. A corpus of odd targets and
 * methods goes over raw sockets to the main listener with the admin API on the same port, to the main and
 * admin listeners of a gateway with a separate adminPort, and to the metrics listeners. Each must draw one
 * complete response; a follow-up request on the same connection then gets its own, so the odd one left
 * nothing behind. With `maxConnections: 50`, odd requests on kept-alive connections must not use up the slots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openRawClient, type RawClient } from '../helpers/raw-client.js';
import { freePort } from '../helpers/redis-server.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const H = 'Host: gw.test\r\n';
const get = (target: string) => `GET ${target} HTTP/1.1\r\n${H}`;

/** Request heads without their final blank line; `head` marks a HEAD (its answer has no body). */
const CORPUS: { name: string; head?: boolean; bytes: string }[] = [
  ...['/healthz/x', '/healthz/', '/healthz;x', '/healthzx', '/healthz?x', '/HEALTHZ', '/readyz/x', '/readyz;x', '/readyz?x', '/readyz%3Bx']
    .map((target) => ({ name: target, bytes: get(target) })),
  ...['/metrics/', '/metrics?x', '/metrics;x', '/metrics/x', '/METRICS']
    .map((target) => ({ name: target, bytes: get(target) })),
  ...['/admin', '/admin/', '/admin;x', '/admin?x', '/admin/v1', '/admin/v1/x', '/admin/v1/apps', '/admin/%2e%2e/healthz']
    .map((target) => ({ name: target, bytes: get(target) })),
  ...['/console', '/console/..', '/console/%2e%2e/admin', '/console/x', '/console;x']
    .map((target) => ({ name: target, bytes: get(target) })),
  ...['/oauth', '/oauth/token/x', '/oauth/token', '/oauth;x', '/.well-known/x', '/.well-known/oauth-authorization-server/x']
    .map((target) => ({ name: target, bytes: get(target) })),
  ...['/', '//', '/%2e%2e/', '/..', '/%00', '/%zz', '/a\\b', '/public/%2F..%2F..', `/${'a'.repeat(8_000)}`]
    .map((target) => ({ name: target.length > 40 ? 'a path of 8000 characters' : target, bytes: get(target) })),
  { name: 'a request line over the header size limit', bytes: get(`/${'a'.repeat(20_000)}`) },
  { name: 'GET *', bytes: get('*') },
  { name: 'OPTIONS *', bytes: `OPTIONS * HTTP/1.1\r\n${H}` },
  { name: 'absolute-form http://evil.example/healthz', bytes: get('http://evil.example/healthz') },
  { name: 'absolute-form http://gw.test/metrics/', bytes: get('http://gw.test/metrics/') },
  { name: 'absolute-form https://gw.test/admin/v1/apps', bytes: get('https://gw.test/admin/v1/apps') },
  { name: 'CONNECT gw.test:443', bytes: `CONNECT gw.test:443 HTTP/1.1\r\nHost: gw.test:443\r\n` },
  { name: 'an unknown method (FOO)', bytes: `FOO /healthz HTTP/1.1\r\n${H}` },
  { name: 'PROPFIND /admin', bytes: `PROPFIND /admin HTTP/1.1\r\n${H}` },
  { name: 'TRACE /healthz/x', bytes: `TRACE /healthz/x HTTP/1.1\r\n${H}` },
  { name: 'PURGE /metrics/', bytes: `PURGE /metrics/ HTTP/1.1\r\n${H}` },
  { name: 'DELETE /readyz;x', bytes: `DELETE /readyz;x HTTP/1.1\r\n${H}` },
  { name: 'HEAD /healthz/x', head: true, bytes: `HEAD /healthz/x HTTP/1.1\r\n${H}` },
  { name: 'HEAD /metrics?x', head: true, bytes: `HEAD /metrics?x HTTP/1.1\r\n${H}` },
  { name: 'POST /readyz/x with a body', bytes: `POST /readyz/x HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc` },
  { name: 'HTTP/1.0 without Host', bytes: 'GET /healthz/x HTTP/1.0\r\n' },
  { name: 'HTTP/1.0 /admin;x without Host', bytes: 'GET /admin;x HTTP/1.0\r\n' },
  { name: 'Upgrade: websocket on /healthz/x', bytes: `${get('/healthz/x')}Connection: Upgrade\r\nUpgrade: websocket\r\n` },
  { name: 'Upgrade: h2c on /readyz;x', bytes: `${get('/readyz;x')}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n` },
];

/** Where the blank line goes: after the head, unless the item carries its own body. */
function finish(bytes: string): string {
  return bytes.includes('\r\n\r\n') ? bytes : `${bytes}\r\n`;
}

const LISTENERS = ['main (admin on the same port)', 'metrics (admin on the same port)', 'main (separate adminPort)', 'admin (separate adminPort)', 'metrics (separate adminPort)'] as const;
type Listener = (typeof LISTENERS)[number];

let upstream: TestUpstream;
let shared: TestGateway;
let separate: TestGateway;
const ports = {} as Record<Listener, number>;
const portOf = (url: string) => Number(new URL(url).port);

beforeAll(async () => {
  upstream = await startUpstream();
  const routes = [{ name: 'public', match: { path: '/public/*' }, upstream: upstream.url, auth: 'none' }];
  shared = await startTestGateway({ listen: { limits: { maxConnections: 50 } }, routes }, 'memory');
  separate = await startTestGateway({ listen: { adminPort: await freePort() }, routes }, 'memory');
  ports['main (admin on the same port)'] = portOf(shared.url);
  ports['metrics (admin on the same port)'] = portOf(shared.metricsUrl);
  ports['main (separate adminPort)'] = portOf(separate.url);
  ports['admin (separate adminPort)'] = portOf(separate.adminUrl);
  ports['metrics (separate adminPort)'] = portOf(separate.metricsUrl);
  expect(ports['admin (separate adminPort)']).not.toBe(ports['main (separate adminPort)']);
});

afterAll(async () => {
  await shared?.close();
  await separate?.close();
  await upstream?.close();
});

const FOLLOW_UP = `GET /healthz HTTP/1.1\r\n${H}Connection: close\r\n\r\n`;

/**
 * Sends one odd request and waits for its answer. Unless that answer says the connection closes, a follow-up
 * with `Connection: close` must get the one other answer; then the server closes. Returns the odd request's status.
 */
async function answeredOnce(client: RawClient, item: (typeof CORPUS)[number]): Promise<number> {
  client.write(finish(item.bytes), [item.head === true]);
  const first = await client.next(3_000);
  expect(first, `no response to ${item.name}; the connection closed after: ${JSON.stringify(client.received().slice(0, 200))}`).not.toBeNull();
  if (!/\bclose\b/i.test(first!.headers.connection ?? '')) {
    client.write(FOLLOW_UP);
    expect((await client.next(3_000))?.status, `the follow-up after ${item.name} got no answer`).toBeGreaterThan(0);
  }
  await client.closed;
  // One answer each, all in before the close: another would be a second answer to the odd request.
  expect(await client.next()).toBeNull();
  return first!.status;
}

describe('every request gets exactly one answer, on every listener', () => {
  it.each(LISTENERS.flatMap((listener) => CORPUS.map((item) => [listener, item.name, item] as const)))('%s: %s', async (listener, _name, item) => {
    const client = await openRawClient(ports[listener]);
    try {
      const status = await answeredOnce(client, item);
      expect(status).toBeGreaterThanOrEqual(200);
      expect(status).toBeLessThan(600);
    } finally {
      client.destroy();
    }
  });
});

describe('listen.limits.maxConnections: 50', () => {
  it('odd requests on kept-alive connections (60 of them over 40 held connections) leave room: fresh and held connections are still served', async () => {
    const port = ports['main (admin on the same port)'];
    const held: RawClient[] = await Promise.all(Array.from({ length: 40 }, () => openRawClient(port)));
    const odd = CORPUS.filter((item) => !item.name.startsWith('CONNECT'));
    let sent = 0;
    await Promise.all(held.map(async (_, slot) => {
      for (let n = slot; n < 60; n += held.length) {
        // The gateway may close a connection after its answer (a 400, HTTP/1.0): carry on with a new one.
        if (held[slot]!.isClosed()) held[slot] = await openRawClient(port);
        const item = odd[n % odd.length]!;
        held[slot]!.write(finish(item.bytes), [item.head === true]);
        expect(await held[slot]!.next(3_000), `no response to ${item.name}`).not.toBeNull();
        sent++;
      }
    }));
    expect(sent).toBe(60);
    const fresh = await openRawClient(port);
    fresh.write(`GET /public/x HTTP/1.1\r\n${H}\r\n`);
    expect((await fresh.next(3_000))?.status).toBe(200);
    for (const client of held.filter((c) => !c.isClosed())) {
      client.write(`GET /public/x HTTP/1.1\r\n${H}\r\n`);
      expect((await client.next(3_000))?.status).toBe(200);
    }
    for (const client of [fresh, ...held]) client.destroy();
  });
});
