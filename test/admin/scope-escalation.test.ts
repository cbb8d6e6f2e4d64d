/** Issue 12.4: an admin token cannot create an admin token with scopes it does not hold; `.` and `..` are no app ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({}, 'memory');
});
afterAll(async () => gw.close());

async function as(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw.adminUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('admin scope escalation', () => {
  let limited: string;

  beforeAll(async () => {
    const res = await gw.admin('POST', '/apps/tollgate-admin/tokens', { name: 'limited', scopes: ['admin.apps', 'admin.tokens'] });
    expect(res.status).toBe(201);
    limited = res.body.token;
  });

  it('refuses an admin token with a scope the caller does not hold, naming it', async () => {
    for (const scopes of [['admin.clients'], ['admin.read'], ['admin.apps', 'admin.clients']]) {
      const res = await as(limited, 'POST', '/apps/tollgate-admin/tokens', { name: `escalate-${scopes.join('-')}`, scopes });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'insufficient_scope' });
      expect(res.body.error_description).toContain('admin.');
      expect(res.body.token).toBeUndefined();
    }
    const listed = await as(limited, 'GET', '/apps/tollgate-admin/tokens');
    expect(listed.body.items.map((t: { name: string }) => t.name).filter((n: string) => n.startsWith('escalate'))).toEqual([]);
  });

  it('allows an admin token with a subset of the caller’s scopes, and it works with exactly those', async () => {
    const res = await as(limited, 'POST', '/apps/tollgate-admin/tokens', { name: 'apps-only', scopes: ['admin.apps'] });
    expect(res.status).toBe(201);
    expect((await as(res.body.token, 'GET', '/apps')).status).toBe(200);
    expect((await as(res.body.token, 'POST', '/apps/tollgate-admin/tokens', { name: 'x', scopes: ['admin.apps'] })).status).toBe(403);
  });

  it('still lets the caller give tokens of other apps any scope of that app', async () => {
    expect((await as(limited, 'POST', '/apps', { id: 'shop', name: 'Shop', scopes: ['admin.clients', 'orders'] })).status).toBe(201);
    expect((await as(limited, 'POST', '/apps/shop/tokens', { name: 'svc', scopes: ['admin.clients', 'orders'] })).status).toBe(201);
  });
});

describe('app ids', () => {
  it('refuses "." and ".." in the admin API and in the config file', async () => {
    for (const id of ['.', '..']) {
      const res = await gw.admin('POST', '/apps', { id, name: 'dots', scopes: [] });
      expect(res.status).toBe(400);
      expect(res.body.issues.join('\n')).toMatch(/^id: /m);
      expect(() => parseConfig({ routes: [{ name: 'r', match: { path: '/x/*' }, upstream: 'http://127.0.0.1:1', app: id }] })).toThrow(/routes\[0\]\.app/);
    }
    for (const id of ['a.b', '...', '.hidden', 'v1..2']) expect((await gw.admin('POST', '/apps', { id, name: 'ok', scopes: [] })).status).toBe(201);
  });
});
