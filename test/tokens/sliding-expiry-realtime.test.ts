/**
 * Issue 12.1 end to end, in real time, against Redis with the default settings (touchInterval
 * 60 s, token cache on): a token created with the shortest ttl (60 s) and used through the edge at
 * t = 0, 30 and 50 s is still accepted at 70 s and at 105 s. Slow on purpose (~106 s).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({ routes: [{ name: 'api', match: { path: '/api/*' }, upstream: upstream.url, app: 'slide' }] });
  expect((await gw.admin('POST', '/apps', { id: 'slide', name: 'slide', scopes: [] })).status).toBe(201);
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('sliding expiry in real time', () => {
  it('keeps a 60 s token used at 0, 30 and 50 s valid at 70 s and 105 s', { timeout: 150_000 }, async () => {
    const created = await gw.admin('POST', '/apps/slide/tokens', { name: 'steady', ttl: '60s' });
    expect(created.status).toBe(201);
    const start = Date.now();
    const at = async (seconds: number) => {
      await sleep(start + seconds * 1_000 - Date.now());
      const res = await fetch(`${gw.url}/api/x`, { headers: { authorization: `Bearer ${created.body.token}` } });
      await res.body?.cancel();
      return res.status;
    };
    for (const use of [0, 30, 50]) expect(await at(use)).toBe(200);
    expect(await at(70)).toBe(200);
    expect(await at(105)).toBe(200);
  });
});
