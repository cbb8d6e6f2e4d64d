/** SIGHUP reloads the route table of a running process; an invalid file keeps the old table and says why. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawned-gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let upstream: TestUpstream;
let gw: SpawnedGateway;
let token: string;
let config: Record<string, unknown>;

beforeAll(async () => {
  upstream = await startUpstream();
  config = { store: { driver: 'memory' }, routes: [{ name: 'first', match: { path: '/first/*' }, upstream: upstream.url, app: 'shop' }] };
  gw = await spawnGateway(config);
  expect((await gw.admin('POST', '/apps', { id: 'shop', name: 'Shop', scopes: [] })).status).toBe(201);
  token = (await gw.admin('POST', '/apps/shop/tokens', { name: 'svc', scopes: [] })).body.token;
});

afterAll(async () => {
  await gw.kill();
  await upstream.close();
});

const status = (path: string) => fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe('route table reload on SIGHUP', () => {
  it('applies a valid file without a restart', async () => {
    expect(await status('/second/x')).toBe(404);
    gw.writeConfig({ ...config, routes: [{ name: 'second', match: { path: '/second/*' }, upstream: upstream.url, app: 'shop' }] });
    gw.child.kill('SIGHUP');
    await gw.waitForLog((l) => l.msg === 'routes reloaded');
    expect(await status('/second/x')).toBe(200);
    expect(await status('/first/x')).toBe(404);
  });

  it('keeps the current table when the new file is invalid, and logs every problem with its path', async () => {
    gw.writeConfig({ ...config, routes: [{ name: 'broken', match: { path: '/broken/*' }, upstream: 'ftp://nowhere', scopes: 'x' }] });
    gw.child.kill('SIGHUP');
    const refused = await gw.waitForLog((l) => l.msg === 'config reload refused; keeping the current routes');
    const problems = refused.problems as string[];
    expect(problems.some((p) => p.startsWith('routes[0].upstream:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('routes[0].scopes:'))).toBe(true);
    expect(await status('/second/x')).toBe(200);
    expect(await status('/broken/x')).toBe(404);
    expect(gw.child.exitCode).toBeNull();
  });
});
