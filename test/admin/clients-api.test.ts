import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { checkAdminResponses } from '../helpers/openapi.js';
import { dumpPrefix } from '../helpers/redis.js';
import { basic, postForm } from '../helpers/oauth.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = checkAdminResponses(await startTestGateway({ tokenEndpoint: { rateLimit: { perIp: false, perClient: false } } }));
  await gw.admin('POST', '/apps', { id: 'app1', name: 'one', scopes: ['read', 'write'] });
});

afterAll(async () => gw.close());

const create = (body: Record<string, unknown>, app = 'app1') => gw.admin('POST', `/apps/${app}/clients`, { name: 'c', type: 'service', role: 'robot', auth: 'client_secret', scopes: ['read'], ...body });

describe('admin API: clients', () => {
  it('creates a secret client: the secret is shown once, stored only hashed, never listed', async () => {
    const res = await create({});
    expect(res.status).toBe(201);
    expect(res.body.client_secret).toMatch(/^tg_s_/);
    expect(res.body).toMatchObject({ type: 'service', role: 'robot', auth: 'client_secret', tokenTtl: 3600, maxActiveTokens: 10, onTokenCap: 'reject' });
    // Unset, each assertion path applies its own default.
    expect(res.body).not.toHaveProperty('assertionMaxLifetime');
    const got = await gw.admin('GET', `/apps/app1/clients/${res.body.client_id}`);
    expect(got.body.client_secret).toBeUndefined();
    expect(JSON.stringify((await gw.admin('GET', '/apps/app1/clients')).body)).not.toContain(res.body.client_secret);
    const stored = JSON.stringify([...(await dumpPrefix(gw.prefix)).values()]);
    expect(stored).not.toContain(res.body.client_secret);
    expect(gw.logText()).not.toContain(res.body.client_secret);
  });

  it('refuses a tokenTtl under 60 s with code 1201023, and lists every other problem with its path', async () => {
    const short = await create({ tokenTtl: 59 });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ error: 'invalid_request', code: '1201023' });
    const bad = await create({ type: 'personal', role: undefined, scopes: ['admin'], jwks_uri: 'http://insecure.example/jwks' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.join('\n')).toMatch(/owner/);
    expect(bad.body.issues.join('\n')).toMatch(/jwks_uri/);
    const outside = await create({ scopes: ['admin'] });
    expect(outside.status).toBe(400);
    expect(outside.body.issues[0]).toMatch(/^scopes\[0\]/);
    expect((await create({}, 'nope')).status).toBe(404);
    expect((await create({}, 'tollgate-admin')).status).toBe(409);
  });

  it('generates a P-256 key pair for private_key_jwt without keys, returning the private key once', async () => {
    const res = await create({ auth: 'private_key_jwt' });
    expect(res.status).toBe(201);
    expect(res.body.kid).toBeTruthy();
    expect(Buffer.from(res.body.client_key, 'base64').length).toBeGreaterThan(100);
    expect(res.body.jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', kid: res.body.kid, alg: 'ES256' });
    expect(res.body.jwks.keys[0].d).toBeUndefined();
    const got = await gw.admin('GET', `/apps/app1/clients/${res.body.client_id}`);
    expect(got.body.client_key).toBeUndefined();
  });

  it('validates inline JWKS: public keys only, a known algorithm, unique kids', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const pub = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
    const priv = { ...(await exportJWK(pair.privateKey)), kid: 'k2' };
    expect((await create({ auth: 'private_key_jwt', jwks: { keys: [pub] } })).status).toBe(201);
    const bad = await create({ auth: 'private_key_jwt', jwks: { keys: [priv, { kty: 'oct', k: 'abc', kid: 'h', alg: 'HS256' }, { ...pub, alg: 'ES384' }, pub, pub] } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.join('\n')).toMatch(/jwks.keys\[0\]: a private/);
    expect(bad.body.issues.join('\n')).toMatch(/jwks.keys\[1\]/);
    expect(bad.body.issues.join('\n')).toMatch(/jwks.keys\[2\]: alg/);
    expect(bad.body.issues.join('\n')).toMatch(/unique/);
  });

  it('rotates a secret: the old one stops working at once', async () => {
    const c = (await create({})).body;
    const rotated = await gw.admin('POST', `/apps/app1/clients/${c.client_id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).not.toBe(c.client_secret);
    const old = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(c.client_id, c.client_secret) });
    expect(old.status).toBe(401);
    const fresh = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(c.client_id, rotated.body.client_secret) });
    expect(fresh.status).toBe(200);
    const jwt = (await create({ auth: 'private_key_jwt' })).body;
    expect((await gw.admin('POST', `/apps/app1/clients/${jwt.client_id}/secret`)).status).toBe(409);
  });

  it('deletes a client and revokes every token it holds', async () => {
    const c = (await create({})).body;
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) tokens.push((await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(c.client_id, c.client_secret) })).body.access_token);
    expect((await gw.admin('DELETE', `/apps/app1/clients/${c.client_id}`)).status).toBe(204);
    for (const token of tokens) {
      expect((await postForm(gw.url, '/oauth/introspect', { token }, { authorization: `Bearer ${gw.adminToken}` })).body).toEqual({ active: false });
    }
    expect((await gw.admin('GET', `/apps/app1/clients/${c.client_id}`)).status).toBe(404);
    expect((await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(c.client_id, c.client_secret) })).status).toBe(401);
    const audit = gw.logs.filter((l) => l.action === 'client.delete');
    expect(audit.at(-1)).toMatchObject({ clientId: c.client_id, revokedTokens: 3 });
  });

  it('deleting the app removes its clients and API keys', async () => {
    await gw.admin('POST', '/apps', { id: 'gone', name: 'gone', scopes: ['read'] });
    const c = (await create({}, 'gone')).body;
    const k = (await gw.admin('POST', '/apps/gone/api-keys', { name: 'k' })).body;
    expect((await gw.admin('DELETE', '/apps/gone')).status).toBe(204);
    expect((await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(c.client_id, c.client_secret) })).status).toBe(401);
    expect((await fetch(`${gw.url}/oauth/key`, { method: 'POST', headers: { 'x-api-secret-key': k.key } })).status).toBe(401);
    const keys = [...(await dumpPrefix(gw.prefix)).keys()];
    expect(keys.filter((key) => key.includes(c.client_id) || key.includes(k.id))).toEqual([]);
  });

  it('needs the admin.clients scope to write, admin.read to read', async () => {
    const reader = (await gw.admin('POST', '/apps/tollgate-admin/tokens', { name: 'reader', scopes: ['admin.read'] })).body.token;
    const call = (method: string, body?: unknown) =>
      fetch(`${gw.adminUrl}/admin/v1/apps/app1/clients`, { method, headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await call('GET')).status).toBe(200);
    expect((await call('POST', { name: 'x', type: 'service', role: 'r', auth: 'client_secret' })).status).toBe(403);
  });
});
