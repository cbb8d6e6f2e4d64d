/**
 * Issue 11.8: while Redis is stalled (SIGSTOP on a private redis-server, connection open), every
 * request that needs the store is answered 503 within store.timeout plus a fixed slack, including
 * requests that arrive while earlier reads are already stuck (with ioredis auto-pipelining those
 * waited for the stuck pipeline first: up to twice store.timeout). The machine is shared, so each
 * store request is paired with one the gateway answers without the store (a token with a bad
 * checksum), and the slowest of those is what scheduling cost at the time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/tokens/format.js';
import type { TestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { startPrivateRedisGateway, type PrivateRedisGateway } from '../helpers/private-redis-gateway.js';

/** store.timeout, long enough that a second one stands out from scheduling noise. */
const TIMEOUT_MS = 1_000;
/** A quarter of a second timeout. */
const SLACK_MS = 250;

let stack: PrivateRedisGateway;
let gw: TestGateway;

beforeAll(async () => {
  stack = await startPrivateRedisGateway({ store: { timeout: `${TIMEOUT_MS}ms` }, routes: (upstream) => [{ name: 'api', match: { path: '/api/*' }, upstream, app: 'shop' }] });
  gw = stack.gw;
  expect((await gw.admin('POST', '/apps', { id: 'shop', name: 'Shop', scopes: [] })).status).toBe(201);
});
afterAll(async () => stack?.close());

/** node:http, one connection each: fetch's pool queues requests while it opens connections. */
async function timed(token: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await httpRequest(`${gw.url}/api/x`, { headers: ['Authorization', `Bearer ${token}`, 'Connection', 'close'] });
  return { status: res.status, ms: performance.now() - started };
}

/** A token nobody issued: only the store can answer it. */
const fresh = () => timed(generateSecret('api'));
/** The same with its checksum broken: answered without the store. */
const storeless = () => {
  const token = generateSecret('api');
  return timed(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
};

describe('Redis stalled (SIGSTOP)', () => {
  it(`answers every request 503 within store.timeout (${TIMEOUT_MS} ms) + ${SLACK_MS} ms + scheduling, also those queued behind stuck reads`, { timeout: 30_000 }, async () => {
    expect((await fresh()).status).toBe(401);
    stack.redis.pause();
    let pairs: { status: number; ms: number }[][];
    try {
      // A stream every 25 ms for 1.5 s: each request arrives while earlier reads are stuck.
      pairs = await Promise.all(Array.from({ length: 60 }, (_, i) => sleep(i * 25).then(() => Promise.all([fresh(), storeless()]))));
    } finally {
      stack.redis.resume();
    }
    const answers = pairs.map(([store]) => store!);
    const controls = pairs.map(([, control]) => control!);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 503));
    expect(controls.map((a) => a.status)).toEqual(controls.map(() => 401));
    const slowest = Math.max(...answers.map((a) => a.ms));
    const scheduling = Math.max(...controls.map((a) => a.ms));
    process.stdout.write(`redis-stall: slowest 503 ${Math.round(slowest)} ms, slowest storeless answer ${Math.round(scheduling)} ms\n`);
    expect(slowest).toBeLessThanOrEqual(TIMEOUT_MS + SLACK_MS + scheduling);
    await expect.poll(async () => (await fresh()).status, { timeout: 5_000 }).toBe(401);
  });
});
