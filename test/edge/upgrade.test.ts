import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let upstream: Server;
let upgrades: IncomingMessage[];
let gw: TestGateway;
let token: string;

beforeAll(async () => {
  upgrades = [];
  upstream = createServer((_req, res) => res.end('plain'));
  upstream.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    upgrades.push(req);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(`echo:${d}`));
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gw = await startTestGateway({
    routes: [
      { name: 'ws', match: { path: '/ws/*' }, upstream: url, app: 'chat', scopes: ['chat'], websocket: true },
      { name: 'no-ws', match: { path: '/plain/*' }, upstream: url, app: 'chat' },
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
