import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { rawExchange } from '../helpers/raw-socket.js';

let upstream: Server;
let upgrades: IncomingMessage[];
let gw: TestGateway;
let token: string;

beforeAll(async () => {
  upgrades = [];
  upstream = createServer((_req, res) => res.end('plain'));
  upstream.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    upgrades.push(req);
    // `/ws/silent/*` never answers the upgrade: the gateway must give up after the route's timeout.
    socket.on('end', () => socket.end());
    if (req.url?.startsWith('/silent')) return;
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(`echo:${d}`));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gw = await startTestGateway({
    routes: [
      { name: 'ws', match: { path: '/ws/*' }, upstream: url, app: 'chat', scopes: ['chat'], websocket: true },
      { name: 'no-ws', match: { path: '/plain/*' }, upstream: url, app: 'chat' },
      { name: 'ws-limited', match: { path: '/limited/*' }, upstream: url, app: 'chat', websocket: true, rateLimit: { perToken: '1/m' } },
      { name: 'ws-audit', match: { path: '/audited/*' }, upstream: url, app: 'chat', scopes: ['chat'], websocket: true, mode: 'audit' },
      { name: 'ws-silent', match: { path: '/silent/*' }, upstream: url, app: 'chat', websocket: true, timeout: '300ms' },
    ],
  });
  await gw.admin('POST', '/apps', { id: 'chat', name: 'Chat', scopes: ['chat'] });
  token = (await gw.admin('POST', '/apps/chat/tokens', { name: 'c', scopes: ['chat'] })).body.token;
});

afterAll(async () => {
  await gw.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

function upgrade(path: string, headers: Record<string, string>): Promise<{ status: number; socket?: Duplex }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { headers: { connection: 'Upgrade', upgrade: 'websocket', ...headers } });
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('edge proxy: upgrades', () => {
  it('authorizes an upgrade and tunnels bytes both ways, with identity headers and no Authorization upstream', async () => {
    const { status, socket } = await upgrade('/ws/room', { authorization: `Bearer ${token}`, 'x-auth-app': 'spoofed' });
    expect(status).toBe(101);
    const reply = new Promise<string>((resolve) => socket!.once('data', (d: Buffer) => resolve(String(d))));
    socket!.write('hello');
    expect(await reply).toBe('echo:hello');
    socket!.destroy();
    const seen = upgrades.at(-1)!;
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-auth-app']).toBe('chat');
    expect(seen.headers.upgrade).toBe('websocket');
  });

  it('refuses an upgrade without a valid token before reaching the upstream', async () => {
    const before = upgrades.length;
    expect((await upgrade('/ws/room', {})).status).toBe(401);
    expect((await upgrade('/ws/room', { authorization: 'Bearer tg_a_nottoken' })).status).toBe(401);
    expect(upgrades.length).toBe(before);
  });

  it('refuses upgrades on routes that do not allow them', async () => {
    expect((await upgrade('/plain/x', { authorization: `Bearer ${token}` })).status).toBe(404);
  });
});

describe('upgrades run the same pipeline as requests', () => {
  const auth = () => ({ authorization: `Bearer ${token}` });

  it("applies the route's rate limit to upgrades (429 past the limit)", async () => {
    const first = await upgrade('/limited/a', auth());
    expect(first.status).toBe(101);
    first.socket!.destroy();
    expect((await upgrade('/limited/b', auth())).status).toBe(429);
  });

  it('forwards an upgrade in audit mode that enforce would refuse, without identity headers', async () => {
    const before = upgrades.length;
    const { status, socket } = await upgrade('/audited/x', {});
    expect(status).toBe(101);
    socket!.destroy();
    expect(upgrades.length).toBe(before + 1);
    expect(upgrades.at(-1)!.headers['x-auth-app']).toBeUndefined();
  });

  it('counts upgrades and their decisions in the metrics and writes an access line', async () => {
    const { socket } = await upgrade('/ws/metrics', auth());
    socket!.destroy();
    const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    expect(text).toMatch(/tollgate_requests_total\{route="ws",method="GET",status="101",mode="proxy"\} [1-9]/);
    expect(text).toMatch(/tollgate_auth_decisions_total\{route="ws",result="allow",reason="ok",mode="proxy"\} [1-9]/);
    expect(gw.logs.some((l) => l.msg === 'request' && l.route === 'ws' && l.status === 101)).toBe(true);
  });

  it('answers 504 when the upstream does not answer the upgrade within the route timeout', async () => {
    expect((await upgrade('/silent/x', auth())).status).toBe(504);
  });

  it('refuses an h2c upgrade and an upgrade that carries a body, before the upstream', async () => {
    const port = Number(new URL(gw.url).port);
    const before = upgrades.length;
    const h2c = await rawExchange(port, `GET /ws/x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    expect(h2c.status).toBe(400);
    await h2c.closed;
    const withBody = await rawExchange(port, `GET /ws/x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 5\r\nAuthorization: Bearer ${token}\r\n\r\nhello`);
    expect(withBody.status).toBe(400);
    await withBody.closed;
    expect(upgrades.length).toBe(before);
  });
});
