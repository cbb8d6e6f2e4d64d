import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({ routes: [{ name: 'api', match: { path: '/api/*' }, upstream: upstream.url, app: 'shop' }] });
  expect((await gw.admin('POST', '/apps', { id: 'shop', name: 'Shop', scopes: [] })).status).toBe(201);
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('logs', () => {
  it('write one JSON access line per request with request id, route, status, reason, durations and token id, never the token', async () => {
    const created = (await gw.admin('POST', '/apps/shop/tokens', { name: 'svc', scopes: [] })).body;
    const res = await fetch(`${gw.url}/api/x?q=1`, { headers: { authorization: `Bearer ${created.token}`, 'x-request-id': 'req-42' } });
    expect(res.status).toBe(200);
    const denied = await fetch(`${gw.url}/api/x`, { headers: { authorization: `Bearer ${created.token.slice(0, -1)}${created.token.endsWith('x') ? 'y' : 'x'}` } });
    expect(denied.status).toBe(401);
    await expect.poll(() => gw.logs.filter((l) => l.msg === 'request' && l.route === 'api').length).toBe(2);

    const line = gw.logs.find((l) => l.msg === 'request' && l.reqId === 'req-42')!;
    expect(line).toMatchObject({ level: 30, route: 'api', method: 'GET', status: 200, reason: 'ok', tokenId: created.id, service: 'tollgate' });
    expect(typeof line.ms).toBe('number');
    expect(typeof line.authMs).toBe('number');
    const refused = gw.logs.find((l) => l.msg === 'request' && l.status === 401)!;
    expect(refused).toMatchObject({ reason: 'unknown', route: 'api' });
    expect(refused.reqId).toBe(denied.headers.get('x-request-id'));
    expect(gw.logText()).not.toContain(created.token);
    expect(gw.logText()).not.toContain(created.token.slice(0, -1));
  });

  it('write audit lines for admin actions: who, what, when, never the secret', async () => {
    const created = (await gw.admin('POST', '/apps/shop/tokens', { name: 'audited', scopes: [] })).body;
    expect((await gw.admin('DELETE', `/apps/shop/tokens/${created.id}`)).status).toBe(204);
    const audit = gw.logs.filter((l) => l.audit === true);
    expect(audit.some((l) => l.action === 'token.create' && typeof l.actor === 'string' && typeof l.at === 'string')).toBe(true);
    expect(audit.some((l) => l.action === 'token.revoke')).toBe(true);
    expect(gw.logText()).not.toContain(created.token);
  });

  it('take the level from LOG_LEVEL and stay JSON unless pretty output is asked for', () => {
    const config = parseConfig({}, 'test', { LOG_LEVEL: 'warn' });
    expect(config.log.level).toBe('warn');
    expect(config.log.pretty).toBe(false);
    expect(parseConfig({ log: { pretty: true } }).log.pretty).toBe(true);
  });
});
