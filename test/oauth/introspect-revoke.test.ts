import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { basic, createClient, postForm } from '../helpers/oauth.js';

let gw: TestGateway;
let one: { client_id: string; client_secret: string };
let two: { client_id: string; client_secret: string };
let otherApp: { client_id: string; client_secret: string };

const grant = async (c: { client_id: string; client_secret: string }) => {
  const res = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
};
const as = (c: { client_id: string; client_secret: string }) => ({ authorization: basic(c.client_id, c.client_secret) });

beforeAll(async () => {
  gw = await startTestGateway({ tokenEndpoint: { rateLimit: { perIp: false, perClient: false } } });
  await gw.admin('POST', '/apps', { id: 'app1', name: 'one', scopes: ['read'] });
  await gw.admin('POST', '/apps', { id: 'app2', name: 'two', scopes: ['read'] });
  one = await createClient(gw, 'app1', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 2 });
  two = await createClient(gw, 'app1', { auth: 'client_secret', scopes: ['read'] });
  otherApp = await createClient(gw, 'app2', { auth: 'client_secret', scopes: ['read'] });
});

afterAll(async () => gw.close());

describe('POST /oauth/introspect (RFC 7662)', () => {
  it('needs caller authentication', async () => {
    const token = await grant(two);
    const res = await postForm(gw.url, '/oauth/introspect', { token });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    const badAdmin = await postForm(gw.url, '/oauth/introspect', { token }, { authorization: `Bearer ${token}` });
    expect(badAdmin.status).toBe(401);
  });

  it('shows a live token to a client of the same app, and exactly {active:false} otherwise', async () => {
    const token = await grant(two);
    const seen = await postForm(gw.url, '/oauth/introspect', { token }, as(one));
    expect(seen.status).toBe(200);
    expect(seen.headers.get('cache-control')).toBe('no-store');
    expect(seen.body).toMatchObject({ active: true, scope: 'read', client_id: two.client_id, token_type: 'Bearer', app: 'app1' });
    expect(typeof seen.body.exp).toBe('number');
    const hidden = await postForm(gw.url, '/oauth/introspect', { token }, as(otherApp));
    expect(hidden.body).toEqual({ active: false });
    for (const junk of ['nope', 'tg_o_' + 'A'.repeat(49)]) {
      expect((await postForm(gw.url, '/oauth/introspect', { token: junk }, as(one))).body).toEqual({ active: false });
    }
    const missing = await postForm(gw.url, '/oauth/introspect', {}, as(one));
    expect(missing.status).toBe(400);
  });

  it('does not slide or touch the token', async () => {
    const api = (await gw.admin('POST', '/apps/app1/tokens', { name: 'sliding', scopes: ['read'] })).body;
    await postForm(gw.url, '/oauth/introspect', { token: api.token }, { authorization: `Bearer ${gw.adminToken}` });
    const after = (await gw.admin('GET', `/apps/app1/tokens/${api.id}`)).body;
    expect(after.lastUsedAt).toBeNull();
    expect(after.expiresAt).toBe(api.expiresAt);
  });
});

describe('POST /oauth/revoke (RFC 7009)', () => {
  it('answers 200 for unknown tokens and never revokes another client\'s token', async () => {
    const unknown = await postForm(gw.url, '/oauth/revoke', { token: 'unknown' }, as(one));
    expect(unknown.status).toBe(200);
    // A JSON body, so clients that parse the answer (simple-oauth2's revoke) accept it.
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
    expect(unknown.body).toEqual({});
    const token = await grant(two);
    expect((await postForm(gw.url, '/oauth/revoke', { token }, as(one))).status).toBe(200);
    expect((await postForm(gw.url, '/oauth/introspect', { token }, as(two))).body.active).toBe(true);
    expect((await postForm(gw.url, '/oauth/revoke', { token })).status).toBe(401);
  });

  it('lets a client revoke its own token; the token is then refused and its slot freed', async () => {
    const first = await grant(one);
    const second = await grant(one);
    const capped = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_id: one.client_id, client_secret: one.client_secret });
    expect(capped.status).toBe(429);
    expect(capped.body).toMatchObject({ error: 'slow_down', code: '1201093' });
    expect((await postForm(gw.url, '/oauth/revoke', { token: first }, as(one))).status).toBe(200);
    expect((await postForm(gw.url, '/oauth/introspect', { token: first }, as(one))).body).toEqual({ active: false });
    const third = await grant(one);
    expect(third).not.toBe(second);
  });

  it('lets an admin token revoke any token', async () => {
    const token = await grant(otherApp);
    expect((await postForm(gw.url, '/oauth/revoke', { token }, { authorization: `Bearer ${gw.adminToken}` })).status).toBe(200);
    expect((await postForm(gw.url, '/oauth/introspect', { token }, as(otherApp))).body).toEqual({ active: false });
  });
});

describe('maxActiveTokens', () => {
  it('revokes the oldest token with onTokenCap revoke_oldest', async () => {
    const c = await createClient(gw, 'app1', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 2, onTokenCap: 'revoke_oldest' });
    const t1 = await grant(c);
    const t2 = await grant(c);
    const t3 = await grant(c);
    const state = async (t: string) => (await postForm(gw.url, '/oauth/introspect', { token: t }, as(c))).body.active;
    expect([await state(t1), await state(t2), await state(t3)]).toEqual([false, true, true]);
  });

  it('frees a slot when a token is revoked through the admin API', async () => {
    const c = await createClient(gw, 'app1', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 1 });
    const t1 = await grant(c);
    const intro = await postForm(gw.url, '/oauth/introspect', { token: t1 }, as(c));
    const id = (await gw.admin('GET', '/apps/app1/tokens?limit=500')).body.items.find((t: any) => t.clientId === c.client_id && intro.body.active).id;
    expect((await gw.admin('DELETE', `/apps/app1/tokens/${id}`)).status).toBe(204);
    await expect.poll(async () => (await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret })).status).toBe(200);
  });
});
