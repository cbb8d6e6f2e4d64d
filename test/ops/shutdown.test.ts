import { Agent, request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawned-gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: SpawnedGateway;
let token: string;
/** Ends the slow stream the upstream is holding open. */
let finishStream: () => void = () => {};

function get(url: string, agent?: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, ...(agent ? { agent } : {}) }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.on('data', (c: Buffer) => (text += c.toString()));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    if (req.url === '/api/stream') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
      finishStream = () => res.end('last');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  gw = await spawnGateway({
    store: { driver: 'memory' },
    shutdown: { drainDelay: '300ms', grace: '10s' },
    routes: [{ name: 'api', match: { path: '/api/*' }, upstream: upstream.url, app: 'shop' }],
  });
  expect((await gw.admin('POST', '/apps', { id: 'shop', name: 'Shop', scopes: [] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/shop/tokens', { name: 'svc', scopes: [] })).body.token;
});

afterAll(async () => {
  await gw.kill();
  await upstream.close();
});

describe('graceful shutdown of a real process on SIGTERM', () => {
  it('fails readiness first, refuses new connections after the drain delay, finishes the stream in flight, closes keep-alive, exits 0', async () => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const warm = await get(`${gw.url}/api/warm`, keepAlive);
    expect(await readAll(warm)).toBe('ok');
    const idleSocketClosed = new Promise<void>((resolve) => {
      const sockets = Object.values(keepAlive.freeSockets).flat();
      expect(sockets.length).toBe(1);
      sockets[0]!.once('close', () => resolve());
    });

    const streaming = await get(`${gw.url}/api/stream`);
    expect(streaming.statusCode).toBe(200);
    const body = readAll(streaming);
    expect((await fetch(`${gw.metricsUrl}/readyz`)).status).toBe(200);

    gw.child.kill('SIGTERM');
    await gw.waitForLog((l) => l.msg === 'shutting down');
    const ready = await fetch(`${gw.metricsUrl}/readyz`, { headers: { connection: 'close' } });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });
    expect((await fetch(`${gw.metricsUrl}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);

    await gw.waitForLog((l) => l.msg === 'listeners closed; finishing in-flight requests');
    await expect(get(`${gw.url}/api/late`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await idleSocketClosed;

    finishStream();
    expect(await body).toBe('first;last');
    expect(await gw.exited).toBe(0);
    keepAlive.destroy();
  });
});

describe('shutdown past the grace period', () => {
  it('cuts a stream that outlives shutdown.grace and still exits 0', async () => {
    const stuck = await spawnGateway({
      store: { driver: 'memory' },
      shutdown: { drainDelay: 0, grace: '500ms' },
      routes: [{ name: 'api', match: { path: '/api/*' }, upstream: upstream.url, auth: 'none' }],
    });
    try {
      const streaming = await new Promise<IncomingMessage>((resolve, reject) => request(`${stuck.url}/api/stream`, resolve).on('error', reject).end());
      expect(streaming.statusCode).toBe(200);
      const cut = new Promise<void>((resolve) => streaming.once('close', () => resolve()));
      streaming.resume();
      stuck.child.kill('SIGTERM');
      await stuck.waitForLog((l) => l.msg === 'shutdown grace elapsed; closing the remaining connections');
      await cut;
      expect(streaming.complete).toBe(false);
      expect(await stuck.exited).toBe(0);
    } finally {
      await stuck.kill();
    }
  });
});
