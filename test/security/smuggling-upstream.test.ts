/**
 * Issue 11 item 1: no request can be smuggled through the gateway into a pooled, kept-alive upstream
 * connection, on any route kind, for any method. Raw client sockets in front; behind, upstreams that record
 * every byte and every request they parse, one with Node's parser (llhttp) and one with http-parser-js.
 *
 * What the gateway does with a body on GET, HEAD, DELETE and OPTIONS (verified below, same as POST): it
 * forwards it, framed by the gateway from the body it actually sends, never with the client's framing:
 * `Content-Length` when the whole body's length is known when the request leaves (a Content-Length body, or a
 * chunked body that has fully arrived), `Transfer-Encoding: chunked` while a chunked body is still arriving.
 * The upstream therefore reads the body as the body of the same request, whatever it contains. A request whose
 * `Connection` header names `Content-Length` or `Transfer-Encoding`, or an upgrade request with a body, is a
 * 400 and the connection closes; a refused request's body is consumed by the gateway as a body, never parsed as
 * a request.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openRawClient, type RawClient, type RawResponse } from '../helpers/raw-client.js';
import { headerOf, reparseWire, startRecordingUpstream, type RecordingUpstream, type SeenRequest, type UpstreamParser } from '../helpers/recording-upstream.js';

const PARSERS: UpstreamParser[] = ['llhttp', 'http-parser-js'];
const METHODS = ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'POST'];

/** A whole request, as the attacker hopes the upstream will read it: an `auth: none` path and forged identity. */
const HIDDEN_GET = 'GET /public/smuggled HTTP/1.1\r\nHost: x\r\nX-Auth-App: attacker-app\r\nX-Auth-Scopes: superuser\r\n\r\n';
/** A request head whose Content-Length would swallow whatever request comes next on the upstream connection. */
const HIDDEN_CAPTURE = 'POST /public/capture HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 400\r\n\r\nq=';
const PAYLOAD = HIDDEN_GET + HIDDEN_CAPTURE;

interface RouteKind {
  kind: string;
  path: string;
  token: boolean;
  extra: string;
}

const KINDS: RouteKind[] = [
  { kind: 'public (auth: none)', path: '/public/x', token: false, extra: '' },
  { kind: 'fixed app', path: '/fixed/x', token: true, extra: '' },
  { kind: 'param-bound app', path: '/param/appA/x', token: true, extra: '' },
  { kind: 'header-bound app', path: '/header/x', token: true, extra: 'X-RP-App: appA\r\n' },
  { kind: 'audit mode (no token: refused, forwarded anyway)', path: '/audit/x', token: false, extra: '' },
  { kind: 'websocket-enabled', path: '/ws/x', token: true, extra: '' },
];

interface Shape {
  name: string;
  outcome: 'forwarded' | 'refused';
  /** Head lines (each ending CRLF) and the body that follows the blank line. */
  framing(payload: string): { lines: string; body: string };
}

const chunked = (payload: string) => `${payload.length.toString(16)}\r\n${payload}\r\n0\r\n\r\n`;

const SHAPES: Shape[] = [
  { name: 'Transfer-Encoding: chunked', outcome: 'forwarded', framing: (p) => ({ lines: 'Transfer-Encoding: chunked\r\n', body: chunked(p) }) },
  { name: 'Content-Length', outcome: 'forwarded', framing: (p) => ({ lines: `Content-Length: ${p.length}\r\n`, body: p }) },
  { name: 'Content-Length + Connection: Content-Length', outcome: 'refused', framing: (p) => ({ lines: `Content-Length: ${p.length}\r\nConnection: Content-Length\r\n`, body: p }) },
  { name: 'chunked + Connection: Transfer-Encoding', outcome: 'refused', framing: (p) => ({ lines: 'Transfer-Encoding: chunked\r\nConnection: Transfer-Encoding\r\n', body: chunked(p) }) },
  { name: 'Content-Length + Connection: keep-alive, content-length', outcome: 'refused', framing: (p) => ({ lines: `Content-Length: ${p.length}\r\nConnection: keep-alive, content-length\r\n`, body: p }) },
  { name: 'chunked + a second Connection header naming transfer-encoding', outcome: 'refused', framing: (p) => ({ lines: 'Transfer-Encoding: chunked\r\nConnection: keep-alive\r\nConnection: transfer-encoding\r\n', body: chunked(p) }) },
  { name: 'Upgrade: websocket with a chunked body', outcome: 'refused', framing: (p) => ({ lines: 'Connection: Upgrade\r\nUpgrade: websocket\r\nTransfer-Encoding: chunked\r\n', body: chunked(p) }) },
  { name: 'Upgrade: websocket with a Content-Length body', outcome: 'refused', framing: (p) => ({ lines: `Connection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: ${p.length}\r\n`, body: p }) },
];

const CASES = KINDS.flatMap((kind) => METHODS.flatMap((method) => SHAPES.map((shape) => [kind.kind, method, shape.name, kind, shape] as const)));

describe.each(PARSERS)('request smuggling into a kept-alive upstream parsing with %s', (parser) => {
  let upstream: RecordingUpstream;
  let gw: TestGateway;
  let port: number;
  let token: string;
  let serial = 0;
  /** Every X-Request-Id the test clients sent: anything else upstream was never sent as a request. */
  const sent = new Set<string>();

  beforeAll(async () => {
    upstream = await startRecordingUpstream(parser);
    const route = (name: string, path: string, extra: Record<string, unknown>) => ({ name, match: { path }, upstream: upstream.url, ...extra });
    gw = await startTestGateway({
      routes: [
        route('public', '/public/*', { auth: 'none' }),
        route('fixed', '/fixed/*', { app: 'appA' }),
        route('param', '/param/:app/*', { app: { param: 'app' } }),
        route('header', '/header/*', { app: { header: 'X-RP-App' } }),
        route('audit', '/audit/*', { app: 'appA', mode: 'audit' }),
        route('ws', '/ws/*', { app: 'appA', websocket: true }),
      ],
    }, 'memory');
    port = Number(new URL(gw.url).port);
    expect((await gw.admin('POST', '/apps', { id: 'appA', name: 'A', scopes: [] })).status).toBe(201);
    token = (await gw.admin('POST', '/apps/appA/tokens', { name: 't', scopes: [] })).body.token;
  });

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  const checked = { requests: 0, errors: 0 };
  afterEach(() => {
    // Whatever a case did, the upstream never parsed a request the clients did not send as one.
    const errors = upstream.errors.slice(checked.errors);
    const fresh = upstream.requests.slice(checked.requests);
    checked.errors = upstream.errors.length;
    checked.requests = upstream.requests.length;
    expect(errors).toEqual([]);
    for (const seen of fresh) {
      expect(seen.url).not.toMatch(/smuggled|capture/);
      expect(headerOf(seen.headers, 'x-auth-app')).not.toBe('attacker-app');
      expect(headerOf(seen.headers, 'x-auth-scopes')).not.toBe('superuser');
      expect(sent.has(headerOf(seen.headers, 'x-request-id') ?? '')).toBe(true);
      expect(seen.body).not.toMatch(/cookie-secret/);
    }
  });

  const nextId = (role: string) => {
    const id = `${role}-${++serial}`;
    sent.add(id);
    return id;
  };
  const authLines = (kind: RouteKind) => (kind.token ? `Authorization: Bearer ${token}\r\n` : '') + kind.extra;
  const head = (method: string, path: string, id: string, lines: string) => `${method} ${path} HTTP/1.1\r\nHost: gw.test\r\nX-Request-Id: ${id}\r\n${lines}`;
  const withId = (id: string) => upstream.requests.filter((r) => headerOf(r.headers, 'x-request-id') === id);

  /** A plain request that carries a secret a capture would reveal; its answer must be its own. */
  function innocent(path: string, lines = ''): { id: string; bytes: string } {
    const id = nextId('victim');
    return { id, bytes: `${head('GET', path, id, lines)}Cookie: session=cookie-secret-${id}\r\n\r\n` };
  }

  function expectAnswers(response: RawResponse | null, id: string, method: string): void {
    expect(response?.status).toBe(200);
    expect(response?.headers['x-echo-id']).toBe(id);
    expect(response?.headers['x-echo-method']).toBe(method);
  }

  /** The upstream saw exactly one request with this id, carrying exactly `body`, framed from that body. */
  function expectForwardedOnce(id: string, method: string, body: string): SeenRequest {
    const seen = withId(id);
    expect(seen.map((r) => [r.method, r.body])).toEqual([[method, body]]);
    const length = headerOf(seen[0]!.headers, 'content-length');
    const coding = headerOf(seen[0]!.headers, 'transfer-encoding');
    // Framed from the body sent: chunked without a length, or exactly the body's length (none for no body).
    if (coding !== undefined) expect([coding, length]).toEqual(['chunked', undefined]);
    else expect(length ?? '0').toBe(String(body.length));
    return seen[0]!;
  }

  /** A victim on its own connection gets its own answer, and its cookie reaches the upstream only as its header. */
  async function expectVictimServed(): Promise<void> {
    const victim = await openRawClient(port);
    const request = innocent('/public/victim');
    victim.write(request.bytes);
    expectAnswers(await victim.next(), request.id, 'GET');
    expect(headerOf(withId(request.id)[0]!.headers, 'cookie')).toBe(`session=cookie-secret-${request.id}`);
    victim.destroy();
  }

  it.each(CASES)('%s route, %s with %s', async (_k, method, _s, kind, shape) => {
    const attacker = await openRawClient(port);
    const id = nextId('attack');
    const { lines, body } = shape.framing(PAYLOAD);
    const follow = innocent(kind.path, authLines(kind));
    // Pipelined: the follow-up is already on the wire behind the attack when the gateway reads it.
    attacker.write(`${head(method, kind.path, id, authLines(kind) + lines)}\r\n${body}${follow.bytes}`, [method === 'HEAD', false]);
    const first = await attacker.next();
    if (shape.outcome === 'refused') {
      expect(first?.status).toBe(400);
      if (method !== 'HEAD') expect(JSON.parse(first!.body).error).toBe('invalid_request');
      await attacker.closed;
      expect(await attacker.next()).toBeNull();
      expect(withId(id)).toEqual([]);
    } else {
      expectAnswers(first, id, method);
      expectForwardedOnce(id, method, PAYLOAD);
      expectAnswers(await attacker.next(), follow.id, 'GET');
      expectForwardedOnce(follow.id, 'GET', '');
      attacker.destroy();
    }
    await expectVictimServed();
  });

  it.each(SHAPES.filter((shape) => shape.outcome === 'refused').map((shape) => [shape.name, shape] as const))(
    'a request pipelined behind one refused for %s is not processed: the connection closes after the 400 (RFC 9112 9.6)',
    async (_s, shape) => {
      const client = await openRawClient(port);
      const { lines, body } = shape.framing(PAYLOAD);
      const follow = innocent('/public/after-close');
      client.write(`${head('GET', '/public/x', nextId('attack'), lines)}\r\n${body}${follow.bytes}`, [false, false]);
      expect((await client.next())?.status).toBe(400);
      await client.closed;
      expect(await client.next()).toBeNull();
      // Its answer could never be delivered: forwarding it anyway runs its side effects for nobody, and invites a retry.
      expect(withId(follow.id)).toEqual([]);
    },
  );

  it.each(KINDS.flatMap((kind) => METHODS.map((method) => [kind.kind, method, kind] as const)))(
    '%s route, %s with a chunked body still arriving: forwarded chunked, the same request\'s body',
    async (_k, method, kind) => {
      const attacker = await openRawClient(port);
      const id = nextId('attack');
      const half = Math.floor(PAYLOAD.length / 2);
      const [part1, part2] = [PAYLOAD.slice(0, half), PAYLOAD.slice(half)];
      attacker.write(`${head(method, kind.path, id, `${authLines(kind)}Transfer-Encoding: chunked\r\n`)}\r\n${part1.length.toString(16)}\r\n${part1}\r\n`, [method === 'HEAD']);
      // The request has left for the upstream before the rest of its body exists: its length cannot be known.
      await upstream.headSeen(id);
      const victim = await openRawClient(port);
      const request = innocent('/public/victim');
      victim.write(request.bytes);
      expectAnswers(await victim.next(), request.id, 'GET');
      attacker.write(`${part2.length.toString(16)}\r\n${part2}\r\n0\r\n\r\n`, []);
      expectAnswers(await attacker.next(), id, method);
      const seen = expectForwardedOnce(id, method, PAYLOAD);
      expect(headerOf(seen.headers, 'transfer-encoding')).toBe('chunked');
      const follow = innocent(kind.path, authLines(kind));
      attacker.write(follow.bytes);
      expectAnswers(await attacker.next(), follow.id, 'GET');
      attacker.destroy();
      victim.destroy();
    },
  );

  it.each(KINDS.filter((kind) => kind.token).flatMap((kind) => METHODS.flatMap((method) => SHAPES.slice(0, 2).map((shape) => [kind.kind, method, shape.name, kind, shape] as const))))(
    '%s route without a token, %s with %s: refused, and its body is consumed as a body, never as a request',
    async (_k, method, _s, kind, shape) => {
      const client = await openRawClient(port);
      const id = nextId('attack');
      const { lines, body } = shape.framing(PAYLOAD);
      const follow = innocent('/public/after-refusal');
      client.write(`${head(method, kind.path, id, kind.extra + lines)}\r\n${body}${follow.bytes}`, [method === 'HEAD', false]);
      expect((await client.next())?.status).toBe(401);
      expectAnswers(await client.next(), follow.id, 'GET');
      expect(withId(id)).toEqual([]);
      client.destroy();
    },
  );

  it('response queue: twenty attack connections and twenty victims at once, every answer is its own', async () => {
    const rounds = Array.from({ length: 20 }, async (_, i) => {
      const method = METHODS[i % METHODS.length]!;
      const kind = KINDS[i % KINDS.length]!;
      const [attacker, victim] = await Promise.all([openRawClient(port), openRawClient(port)]);
      const id = nextId('attack');
      const follow = innocent(kind.path, authLines(kind));
      const [request, again] = [innocent('/public/victim'), innocent('/public/victim-again')];
      const framing = SHAPES[i % 2]!.framing(PAYLOAD);
      attacker.write(`${head(method, kind.path, id, authLines(kind) + framing.lines)}\r\n${framing.body}${follow.bytes}`, [method === 'HEAD', false]);
      victim.write(request.bytes + again.bytes, [false, false]);
      const answers = await Promise.all([attacker.next(), attacker.next(), victim.next(), victim.next()]);
      expect(answers.map((a) => a?.headers['x-echo-id'])).toEqual([id, follow.id, request.id, again.id]);
      attacker.destroy();
      victim.destroy();
    });
    await Promise.all(rounds);
  });

  it.runIf(parser === 'llhttp')('the bytes on every upstream connection, re-read by http-parser-js, hold exactly the requests llhttp saw', async () => {
    // Traffic of its own, so the comparison never runs on an empty log; the earlier cases' bytes are in it too.
    for (const shape of SHAPES.slice(0, 2)) {
      const client = await openRawClient(port);
      const id = nextId('attack');
      const { lines, body } = shape.framing(PAYLOAD);
      client.write(`${head('GET', '/public/x', id, lines)}\r\n${body}`);
      expectAnswers(await client.next(), id, 'GET');
      client.destroy();
    }
    const reread = reparseWire(upstream.wire);
    expect(reread.errors).toEqual([]);
    const summary = (requests: SeenRequest[]) => requests.map((r) => `${headerOf(r.headers, 'x-request-id')} ${r.method} ${r.url} ${r.body.length}`).sort();
    expect(summary(reread.requests)).toEqual(summary(upstream.requests));
  });
});
