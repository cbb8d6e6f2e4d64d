import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { httpRequest } from '../helpers/http.js';
import { basic, createClient, postForm } from '../helpers/oauth.js';

let gw: TestGateway;
let client: { client_id: string; client_secret: string };
let personal: { client_id: string; client_secret: string };
const token = (form: Record<string, string> | string, headers: Record<string, string> = {}) => postForm(gw.url, '/oauth/token', form, headers);

beforeAll(async () => {
  gw = await startTestGateway({ issuer: 'https://auth.example.test', tokenEndpoint: { rateLimit: { perIp: false, perClient: false } } });
  expect((await gw.admin('POST', '/apps', { id: 'hyperproof', name: 'Hyperproof', scopes: ['control.read', 'control.write', 'risk.read'] })).status).toBe(201);
  client = await createClient(gw, 'hyperproof', { auth: 'client_secret', scopes: ['control.read', 'control.write'] });
  personal = await createClient(gw, 'hyperproof', { type: 'personal', owner: 'alice@example.com', role: undefined, auth: 'client_secret', scopes: ['control.read'], tokenTtl: '2m' });
});

afterAll(async () => gw.close());

function expectNoStore(headers: Headers) {
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('pragma')).toBe('no-cache');
}

describe('POST /oauth/token with a client secret', () => {
  it('issues an access token with client_secret_post, in the section 4 shape, no-store', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret });
    expect(res.status).toBe(200);
    expectNoStore(res.headers);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'control.read control.write' });
    expect(res.body.access_token).toMatch(/^tg_o_/);
    const intro = await postForm(gw.url, '/oauth/introspect', { token: res.body.access_token }, { authorization: `Bearer ${gw.adminToken}` });
    expect(intro.body).toMatchObject({ active: true, client_id: client.client_id, sub: 'service:robot', app: 'hyperproof', token_kind: 'access' });
    expect(intro.body.exp - intro.body.iat).toBe(3600);
  });

  it('issues with client_secret_basic, decoding form-urlencoded halves', async () => {
    const res = await token({ grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret) });
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  it('acts as the owner for personal clients and uses the client TTL', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: personal.client_id, client_secret: personal.client_secret });
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(120);
    const intro = await postForm(gw.url, '/oauth/introspect', { token: res.body.access_token }, { authorization: `Bearer ${gw.adminToken}` });
    expect(intro.body.sub).toBe('alice@example.com');
  });

  it('down-scopes to the requested scopes and refuses scopes beyond the client', async () => {
    const down = await token({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, scope: 'control.read' });
    expect(down.status).toBe(200);
    expect(down.body.scope).toBe('control.read');
    for (const scope of ['risk.read', 'control.read admin.apps', 'nope']) {
      const res = await token({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, scope });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
      expectNoStore(res.headers);
    }
  });

  it('answers a wrong secret and an unknown client identically: 401 invalid_client', async () => {
    const wrong = await token({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: personal.client_secret });
    const unknown = await token({ grant_type: 'client_credentials', client_id: 'cl_doesnotexist', client_secret: personal.client_secret });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
      expect(res.headers.get('www-authenticate')).toBeNull();
      expectNoStore(res.headers);
    }
  });

  it('answers a client whose deletion has started with 401 invalid_client, not 429 slow_down', async () => {
    const doomed = await createClient(gw, 'hyperproof', { auth: 'client_secret', scopes: ['control.read'] });
    await gw.gateway.clients.closeHolder(doomed.client_id);
    const res = await token({ grant_type: 'client_credentials', client_id: doomed.client_id, client_secret: doomed.client_secret });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'invalid_client' });
  });

  it('challenges with WWW-Authenticate: Basic when Basic was used and failed', async () => {
    const cases = [
      basic(client.client_id, 'tg_s_wrong'),
      'Basic !!!notbase64',
      `Basic ${Buffer.from('no-colon-here').toString('base64')}`,
      `Basic ${Buffer.from(`${client.client_id}:%zz`).toString('base64')}`,
    ];
    for (const authorization of cases) {
      const res = await token({ grant_type: 'client_credentials' }, { authorization });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="tollgate"/);
    }
  });

  it('refuses two client authentication methods at once', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }, { authorization: basic(client.client_id, client.client_secret) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', code: '1201023' });
  });

  it('refuses a repeated parameter, a JSON body, GET, and no client authentication', async () => {
    const repeated = await token(`grant_type=client_credentials&client_id=${client.client_id}&client_secret=${client.client_secret}&scope=a&scope=b`);
    expect(repeated.status).toBe(400);
    expect(repeated.body).toMatchObject({ error: 'invalid_request', code: '1201023' });

    const json = await fetch(`${gw.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }) });
    expect(json.status).toBe(400);
    expect(((await json.json()) as any).error).toBe('invalid_request');
    expectNoStore(json.headers);

    const get = await fetch(`${gw.url}/oauth/token?grant_type=client_credentials&client_id=${client.client_id}&client_secret=${client.client_secret}`);
    expect(get.status).toBe(400);
    expect(((await get.json()) as any).error).toBe('invalid_request');
    expectNoStore(get.headers);

    const none = await token({ grant_type: 'client_credentials', client_id: client.client_id });
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_client');
  });

  it('refuses unknown and missing grant types', async () => {
    for (const grant of ['password', 'authorization_code', 'refresh_token']) {
      const res = await token({ grant_type: grant, client_id: client.client_id, client_secret: client.client_secret });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_grant_type');
    }
    const missing = await token({ client_id: client.client_id, client_secret: client.client_secret });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_request');
  });

  it('answers 413 to an oversized body, declared or streamed', async () => {
    const big = `grant_type=client_credentials&client_assertion=${'a'.repeat(20_000)}`;
    const res = await token(big);
    expect(res.status).toBe(413);
    expectNoStore(res.headers);
    const chunked = await httpRequest(`${gw.url}/oauth/token`, { method: 'POST', headers: ['Content-Type', 'application/x-www-form-urlencoded', 'Transfer-Encoding', 'chunked'], body: big });
    expect(chunked.status).toBe(413);
  });

  it('never writes the secret or the issued token to the logs', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret });
    expect(res.status).toBe(200);
    expect(gw.logText()).not.toContain(client.client_secret);
    expect(gw.logText()).not.toContain(res.body.access_token);
  });

  it('serves RFC 8414 metadata', async () => {
    const res = await fetch(`${gw.url}/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as any;
    expect(meta).toMatchObject({ issuer: 'https://auth.example.test', token_endpoint: 'https://auth.example.test/oauth/token', grant_types_supported: ['client_credentials'] });
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
    expect(meta.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
    expect(meta.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
    // RFC 8414 2: an endpoint listing private_key_jwt lists its algorithms; only registered methods appear.
    for (const endpoint of ['introspection', 'revocation']) {
      expect(meta[`${endpoint}_endpoint_auth_methods_supported`]).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt']);
      expect(meta[`${endpoint}_endpoint_auth_signing_alg_values_supported`]).toEqual(meta.token_endpoint_auth_signing_alg_values_supported);
    }
  });
});
