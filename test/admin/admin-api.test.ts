import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { assertDocumented, checkAdminResponses } from '../helpers/openapi.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = checkAdminResponses(await startTestGateway({}));
});
afterAll(async () => {
  await gw.close();
});

async function as(token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw.adminUrl}/admin/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : null;
  assertDocumented(method, `/admin/v1${path}`, res.status, parsed);
  return { status: res.status, body: parsed, headers: res.headers };
}

describe('admin API: authentication', () => {
  it('requires a Bearer token of the tollgate-admin app', async () => {
    // The same vocabulary as the edge: no credential is `unauthorized`, a bad one `invalid_token` 1201046.
    const none = await as(null, 'GET', '/apps');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', error_description: 'admin token required' });
    const garbage = await as('tg_a_garbage', 'GET', '/apps');
    expect(garbage.status).toBe(401);
    expect(garbage.body).toMatchObject({ error: 'invalid_token', code: '1201046' });
    await gw.admin('POST', '/apps', { id: 'plain', name: 'Plain', scopes: ['admin.apps'] });
    const foreign = (await gw.admin('POST', '/apps/plain/tokens', { name: 'looks-admin', scopes: ['admin.apps'] })).body.token;
    const res = await as(foreign, 'GET', '/apps');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
  });

  it('checks the admin scope per area: admin.read reads, writes need the area scope', async () => {
    const reader = (await gw.admin('POST', '/apps/tollgate-admin/tokens', { name: 'reader', scopes: ['admin.read'] })).body.token;
    expect((await as(reader, 'GET', '/apps')).status).toBe(200);
    const denied = await as(reader, 'POST', '/apps', { id: 'nope', name: 'Nope' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('insufficient_scope');
    expect((await gw.admin('GET', '/apps/nope')).status).toBe(404);
  });
});

describe('admin API: apps', () => {
  it('creates, reads, updates and lists an app; a duplicate id is 409', async () => {
    const created = await gw.admin('POST', '/apps', { id: 'HYPRDefaultApplication', name: 'HYPR', scopes: ['app.config', 'user.mgmt'], origins: ['https://rp.example.com'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'HYPRDefaultApplication', scopes: ['app.config', 'user.mgmt'] });
    expect((await gw.admin('POST', '/apps', { id: 'HYPRDefaultApplication', name: 'again' })).status).toBe(409);
    const patched = await gw.admin('PATCH', '/apps/HYPRDefaultApplication', { name: 'HYPR RP', scopes: ['app.config', 'user.mgmt', 'reporting'] });
    expect(patched.status).toBe(200);
    expect((await gw.admin('GET', '/apps/HYPRDefaultApplication')).body.name).toBe('HYPR RP');
    expect((await gw.admin('GET', '/apps')).body.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['HYPRDefaultApplication', 'tollgate-admin']));
  });

  it('validates bodies and names every bad field', async () => {
    const res = await gw.admin('POST', '/apps', { id: 'bad id!', name: '', scopes: 'x', origins: ['ftp://x'], extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    const fields = res.body.issues.map((i: string) => i.split(':')[0]);
    expect(fields).toEqual(expect.arrayContaining(['id', 'name', 'scopes', 'origins[0]', '(root)']));
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await as(gw.adminToken, 'POST', '/apps', '{"id": ');
    expect(res.status).toBe(400);
    expect(res.body.error_description).toContain('not valid JSON');
  });

  it('refuses to delete or change the built-in admin app', async () => {
    expect((await gw.admin('DELETE', '/apps/tollgate-admin')).status).toBe(409);
    expect((await gw.admin('PATCH', '/apps/tollgate-admin', { scopes: [] })).status).toBe(409);
  });

  it('deletes an app and revokes every token it held', async () => {
    await gw.admin('POST', '/apps', { id: 'doomed', name: 'Doomed', scopes: ['x'] });
    const t = await gw.admin('POST', '/apps/doomed/tokens', { name: 'a', scopes: ['x'] });
    expect((await gw.admin('DELETE', '/apps/doomed')).status).toBe(204);
    expect((await gw.admin('GET', '/apps/doomed')).status).toBe(404);
    expect((await gw.gateway.lifecycle.verify(t.body.token)).ok).toBe(false);
  });
});

describe('admin API: tokens', () => {
  beforeAll(async () => {
    await gw.admin('POST', '/apps', { id: 'rp', name: 'RP', scopes: ['reporting', 'device.reg'] });
  });

  it('creates a token, shows the secret once, and never lists it', async () => {
    const created = await gw.admin('POST', '/apps/rp/tokens', { name: 'nightly-report', scopes: ['reporting'], ttl: '7d' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body.token).toMatch(/^tg_a_/);
    expect(created.body).toMatchObject({ name: 'nightly-report', kind: 'api', scopes: ['reporting'], ttl: 604_800, sliding: true, createdBy: 'bootstrap' });
    const listed = await gw.admin('GET', '/apps/rp/tokens');
    const text = JSON.stringify(listed.body);
    expect(text).toContain(created.body.id);
    expect(text).not.toContain(created.body.token);
    expect(text).not.toContain('hash');
    expect(listed.body.items[0]).toEqual(expect.objectContaining({ name: 'nightly-report', createdAt: expect.any(String), lastUsedAt: null, expiresAt: expect.any(String) }));
    expect((await gw.admin('GET', `/apps/rp/tokens/${created.body.id}`)).body.name).toBe('nightly-report');
  });

  it('refuses scopes outside the app, naming them', async () => {
    const res = await gw.admin('POST', '/apps/rp/tokens', { name: 'greedy', scopes: ['reporting', 'user.mgmt'] });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual(['scopes[1]: "user.mgmt" is not a scope of app "rp"']);
  });

  it('refuses invalid bodies with field paths', async () => {
    const res = await gw.admin('POST', '/apps/rp/tokens', { name: '', kind: 'access', scopes: [1], ttl: '5x' });
    expect(res.status).toBe(400);
    const fields = res.body.issues.map((i: string) => i.split(':')[0]);
    expect(fields).toEqual(expect.arrayContaining(['name', 'kind', 'scopes[0]', 'ttl']));
    // Redis would store both halves as U+FFFD: "a\uD800" and "a\uDBFF" would become one name (red-team F3).
    const lone = await gw.admin('POST', '/apps/rp/tokens', { name: 'a\uD800', scopes: [], subject: '\uDC00b' });
    expect(lone.status).toBe(400);
    expect(lone.body.issues).toEqual(['name: must be well-formed Unicode (no lone surrogate)', 'subject: must be well-formed Unicode (no lone surrogate)']);
    expect((await gw.admin('POST', '/apps/rp/tokens', { name: 'emoji \u{1F600}', scopes: [] })).status).toBe(201);
    const install = await gw.admin('POST', '/apps/rp/tokens', { name: 'i', kind: 'install', scopes: ['reporting'] });
    expect(install.body.issues).toEqual(['scopes: installation tokens carry no scopes']);
  });

  it('answers 409 for a duplicate live token name and 404 for an unknown app', async () => {
    await gw.admin('POST', '/apps/rp/tokens', { name: 'dup', scopes: [] });
    expect((await gw.admin('POST', '/apps/rp/tokens', { name: 'dup', scopes: [] })).status).toBe(409);
    expect((await gw.admin('POST', '/apps/nope/tokens', { name: 'x', scopes: [] })).status).toBe(404);
    expect((await gw.admin('GET', '/apps/nope/tokens')).status).toBe(404);
  });

  it('revokes a token: 204, then 404; the token stops working', async () => {
    const created = await gw.admin('POST', '/apps/rp/tokens', { name: 'short-lived', scopes: [] });
    expect((await gw.admin('DELETE', `/apps/rp/tokens/${created.body.id}`)).status).toBe(204);
    expect((await gw.admin('DELETE', `/apps/rp/tokens/${created.body.id}`)).status).toBe(404);
    expect((await gw.admin('DELETE', '/apps/rp/tokens/tok_unknown')).status).toBe(404);
    expect(await gw.gateway.lifecycle.verify(created.body.token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('paginates with a cursor', async () => {
    await gw.admin('POST', '/apps', { id: 'many', name: 'Many', scopes: [] });
    for (let i = 0; i < 5; i++) await gw.admin('POST', '/apps/many/tokens', { name: `t${i}` });
    const first = await gw.admin('GET', '/apps/many/tokens?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await gw.admin('GET', `/apps/many/tokens?limit=2&cursor=${first.body.nextCursor}`);
    const third = await gw.admin('GET', `/apps/many/tokens?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.nextCursor).toBeUndefined();
    const names = [...first.body.items, ...second.body.items, ...third.body.items].map((t: { name: string }) => t.name);
    expect(names).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect((await gw.admin('GET', '/apps/many/tokens?cursor=zzz')).status).toBe(400);
    expect((await gw.admin('GET', '/apps/many/tokens?limit=0')).status).toBe(400);
  });

  it('writes an audit line for each create, revoke and delete, without secrets', async () => {
    const created = await gw.admin('POST', '/apps/rp/tokens', { name: 'audited', scopes: [] });
    await gw.admin('DELETE', `/apps/rp/tokens/${created.body.id}`);
    const audit = gw.logs.filter((l) => l.audit === true);
    expect(audit.map((l) => l.action)).toEqual(expect.arrayContaining(['app.create', 'token.create', 'token.revoke', 'app.delete']));
    const revokeLine = audit.find((l) => l.action === 'token.revoke' && l.tokenId === created.body.id);
    expect(revokeLine).toMatchObject({ actor: 'bootstrap', app: 'rp' });
    expect(gw.logText()).not.toContain(created.body.token);
    expect(gw.logText()).not.toContain(gw.adminToken);
  });

  it('answers 404 JSON for unknown admin paths', async () => {
    const res = await gw.admin('GET', '/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});
