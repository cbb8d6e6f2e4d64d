import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { httpRequest } from '../helpers/http.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawned-gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const prefix = uniquePrefix('workers');
let upstream: TestUpstream;
let gw: SpawnedGateway;
let token: string;

const route = (name: string, path: string) => ({ name, match: { path }, upstream: upstream.url, app: 'shop' });
const config = (routes: unknown[]) => ({
  listen: { workers: 2 },
  store: { url: REDIS_URL, keyPrefix: prefix },
  shutdown: { drainDelay: '300ms', grace: '5s' },
  routes,
});

let sent = 0;
/** Each request on its own connection (the primary hands connections to the workers in turn), tagged by its request id. */
function get(path: string, tag: string) {
  return httpRequest(`${gw.url}${path}`, { headers: ['Authorization', `Bearer ${token}`, 'Connection', 'close', 'X-Request-Id', `${tag}-${sent++}`] });
}

/** Worker ids that logged an access line for requests with this tag. */
function workersServing(tag: string): Set<unknown> {
  return new Set(gw.logs.filter((l) => l.msg === 'request' && String(l.reqId).startsWith(`${tag}-`)).map((l) => l.worker));
}

function workerPids(): number[] {
  return gw.logs.filter((l) => l.msg === 'worker listening').map((l) => l.pid as number);
}

/** The sum of every series of a metric whose labels include all of `labels` (e.g. `route="api"`). */
async function metric(name: string, ...labels: string[]): Promise<number> {
  const text = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
  const lines = text.split('\n').filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && labels.every((label) => l.includes(label)));
  if (lines.length === 0) throw new Error(`${name} ${labels.join(',')} not in the metrics`);
  return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

beforeAll(async () => {
  upstream = await startUpstream((_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  gw = await spawnGateway(config([route('api', '/api/*')]));
  expect((await gw.admin('POST', '/apps', { id: 'shop', name: 'Shop', scopes: [] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/shop/tokens', { name: 'svc', scopes: [] })).body.token;
}, 60_000);

afterAll(async () => {
  await gw?.kill();
  await upstream?.close();
  await cleanupPrefix(prefix);
});

describe('listen.workers: 2 (a real process, node:cluster)', () => {
  it('starts two workers behind one listener, and both serve', async () => {
    expect(workerPids()).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 12 }, () => get('/api/items', 'spread')));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    await gw.waitForLog(() => workersServing('spread').size === 2);
  });

  it('aggregates every worker\'s metrics on the one metrics port', async () => {
    const ok = ['tollgate_requests_total', 'route="api"', 'status="200"'] as const;
    // The per-request metrics are tollgate's own pre-aggregated kind (fast-metrics): they must sum like prom-client's.
    const histogram = ['tollgate_request_duration_seconds_bucket', 'route="api"', 'le="+Inf"'] as const;
    const before = [await metric(...ok), await metric(...histogram)];
    await Promise.all(Array.from({ length: 10 }, () => get('/api/items', 'counted')));
    await gw.waitForLog(() => workersServing('counted').size === 2);
    expect([await metric(...ok), await metric(...histogram)]).toEqual([before[0]! + 10, before[1]! + 10]);
    // Every worker reaches the store: the minimum of the workers' 1s, not their sum.
    expect(await metric('tollgate_store_up')).toBe(1);
    expect(await (await fetch(`${gw.metricsUrl}/readyz`)).json()).toEqual({ status: 'ready', workers: 2 });
  });

  it('reloads routes in every worker on SIGHUP', async () => {
    expect((await get('/v2/items', 'before-reload')).status).toBe(404);
    gw.writeConfig(config([route('api', '/api/*'), route('v2', '/v2/*')]));
    const reloaded = gw.logs.filter((l) => l.msg === 'routes reloaded').length;
    gw.child.kill('SIGHUP');
    await gw.waitForLog(() => gw.logs.filter((l) => l.msg === 'routes reloaded').length === reloaded + 2);
    const reloadedBy = new Set(gw.logs.filter((l) => l.msg === 'routes reloaded').map((l) => l.worker));
    expect(reloadedBy.size).toBe(2);
    const answers = await Promise.all(Array.from({ length: 10 }, () => get('/v2/items', 'reloaded')));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
  });

  it('replaces a worker killed with SIGKILL and keeps serving', async () => {
    const [victim, survivor] = workerPids();
    process.kill(victim!, 'SIGKILL');
    await gw.waitForLog((l) => l.msg === 'worker exited; starting a replacement' && l.pid === victim && l.signal === 'SIGKILL');
    await gw.waitForLog(() => workerPids().length === 3);
    const replacement = workerPids()[2]!;
    expect([victim, survivor]).not.toContain(replacement);
    const answers = await Promise.all(Array.from({ length: 10 }, () => get('/api/items', 'after-crash')));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(await (await fetch(`${gw.metricsUrl}/readyz`)).json()).toEqual({ status: 'ready', workers: 2 });
  });

  it('drains every worker on SIGTERM (readiness fails first) and exits 0', async () => {
    gw.child.kill('SIGTERM');
    await gw.waitForLog((l) => l.msg === 'shutting down every worker');
    const ready = await fetch(`${gw.metricsUrl}/readyz`, { headers: { connection: 'close' } });
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { status: string }).status).toBe('draining');
    expect(await gw.exited).toBe(0);
    const drained = gw.logs.filter((l) => l.msg === 'listeners closed; finishing in-flight requests').map((l) => l.worker);
    expect(new Set(drained).size).toBe(2);
  });
});

describe('listen.workers when a worker cannot start', () => {
  it('stops the whole gateway with exit 1 instead of replacing workers in a loop', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      await expect(spawnGateway({ ...config([]), listen: { workers: 2, port } })).rejects.toThrow(/exited \(1\)/);
    } finally {
      busy.close();
    }
  });
});

describe('listen.workers with the memory store', () => {
  it('is refused: the memory store lives in one process', () => {
    const problems = (raw: unknown) => {
      try {
        parseConfig(raw);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    const refusal = [expect.stringMatching(/^listen\.workers: needs store driver redis/)];
    expect(problems({ listen: { workers: 2 } })).toEqual(refusal);
    expect(problems({ listen: { workers: 'auto' }, store: { driver: 'memory' } })).toEqual(refusal);
    expect(parseConfig({ listen: { workers: 'auto' }, store: { url: REDIS_URL } }).listen.workers).toBe('auto');
  });
});
