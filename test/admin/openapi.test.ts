import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appCreateBody, appPatchBody, tokenCreateBody } from '../../src/admin/bodies.js';
import { apiKeyCreateBody, clientCreateBody } from '../../src/admin/client-bodies.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { basic, createClient, postForm } from '../helpers/oauth.js';
import { assertDocumented, checkAdminResponses, document, responseProblems } from '../helpers/openapi.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = checkAdminResponses(await startTestGateway({ compat: { hypr: true, hypersign: true }, tokenEndpoint: { rateLimit: { perIp: false, perClient: false } } }));
  expect((await gw.admin('POST', '/apps', { id: 'shop', name: 'Shop', scopes: ['read', 'write'] })).status).toBe(201);
});
afterAll(async () => gw?.close());

/** Sends a form to the token service and checks the answer against the document. */
async function form(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await postForm(gw.url, path, fields, headers);
  assertDocumented('POST', path, res.status, res.body);
  return res;
}

async function get(base: string, path: string) {
  const res = await fetch(`${base}${path}`);
  const body: any = await res.json();
  assertDocumented('GET', path, res.status, body);
  return { status: res.status, body, headers: res.headers };
}

describe('OpenAPI document', () => {
  it('is served at /admin/v1/openapi.json without an admin token, and is what the code builds', async () => {
    const res = await get(gw.adminUrl, '/admin/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(document)));
    expect(res.body.openapi).toBe('3.1.0');
  });

  it('is a valid OpenAPI 3.1 document whose references all resolve (swagger-parser)', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it('describes every admin, token-service and health endpoint of the spec', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'GET /admin/v1/apps', 'POST /admin/v1/apps', 'GET /admin/v1/apps/{app}', 'PATCH /admin/v1/apps/{app}', 'DELETE /admin/v1/apps/{app}',
        'GET /admin/v1/apps/{app}/tokens', 'POST /admin/v1/apps/{app}/tokens', 'GET /admin/v1/apps/{app}/tokens/{id}', 'DELETE /admin/v1/apps/{app}/tokens/{id}',
        'GET /admin/v1/apps/{app}/clients', 'POST /admin/v1/apps/{app}/clients', 'GET /admin/v1/apps/{app}/clients/{id}', 'DELETE /admin/v1/apps/{app}/clients/{id}',
        'POST /admin/v1/apps/{app}/clients/{id}/secret', 'GET /admin/v1/apps/{app}/api-keys', 'POST /admin/v1/apps/{app}/api-keys', 'DELETE /admin/v1/apps/{app}/api-keys/{id}',
        'GET /admin/v1/openapi.json', 'POST /oauth/token', 'POST /rp/token/endpoint/exchange/clientcredentials', 'POST /oauth/key', 'POST /api/v1/app/oauth',
        'POST /oauth/introspect', 'POST /oauth/revoke', 'GET /.well-known/oauth-authorization-server', 'GET /healthz', 'GET /readyz',
      ].sort(),
    );
  });

  it('describes request bodies with exactly the JSON Schema of the zod schemas the routers parse them with', () => {
    const bodies = { AppCreate: appCreateBody, AppPatch: appPatchBody, TokenCreate: tokenCreateBody, ClientCreate: clientCreateBody, ApiKeyCreate: apiKeyCreateBody };
    for (const [name, schema] of Object.entries(bodies)) {
      const { $schema: _dialect, ...expected } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
      expect(document.components.schemas[name as keyof typeof bodies], name).toEqual(expected);
    }
  });

  it('catches a response that strays from it: an undocumented status, a missing field, an extra one', () => {
    expect(responseProblems('GET', '/admin/v1/apps', 418, {})).toEqual(['GET /admin/v1/apps → 418: status 418 is not documented']);
    expect(responseProblems('PUT', '/admin/v1/apps', 200, {})).toEqual(['PUT /admin/v1/apps → 200: PUT is not documented for /admin/v1/apps']);
    expect(responseProblems('GET', '/admin/v1/apps/shop', 200, { id: 'shop', name: 'Shop', scopes: [], origins: [] })).toEqual([
      "GET /admin/v1/apps/shop → 200: (body) must have required property 'createdAt'",
    ]);
    const app = { id: 'shop', name: 'Shop', scopes: [], origins: [], createdAt: new Date().toISOString() };
    expect(responseProblems('GET', '/admin/v1/apps/shop', 200, app)).toEqual([]);
    expect(responseProblems('GET', '/admin/v1/apps/shop', 200, { ...app, hash: 'x' })).toEqual(['GET /admin/v1/apps/shop → 200: (body) must NOT have additional properties']);
    expect(responseProblems('DELETE', '/admin/v1/apps/shop', 204, { deleted: true })).toEqual(['DELETE /admin/v1/apps/shop → 204: documented without a body, but one came']);
  });
});

describe('token service and health answers match the document', () => {
  it('token endpoint and the HYPR alias: success, bad secret, bad grant, and the cap', async () => {
    const client = await createClient(gw, 'shop', { auth: 'client_secret', scopes: ['read'], maxActiveTokens: 2 });
    const auth = { authorization: basic(client.client_id, client.client_secret) };
    expect((await form('/oauth/token', { grant_type: 'client_credentials' }, auth)).status).toBe(200);
    expect((await form('/rp/token/endpoint/exchange/clientcredentials', { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret })).status).toBe(200);
    expect((await form('/oauth/token', { grant_type: 'client_credentials' }, auth)).status).toBe(429);
    expect((await form('/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, 'wrong') })).status).toBe(401);
    expect((await form('/oauth/token', { grant_type: 'password' }, auth)).status).toBe(400);
  });

  it('key exchange at both paths, and a bad key', async () => {
    const key = (await gw.admin('POST', '/apps/shop/api-keys', { name: 'web', scopes: ['read'] })).body.key as string;
    for (const path of ['/oauth/key', '/api/v1/app/oauth']) expect((await form(path, {}, { 'x-api-secret-key': key })).status).toBe(200);
    expect((await form('/oauth/key', {}, { 'x-api-secret-key': 'tg_k_nope' })).status).toBe(401);
  });

  it('introspection (active and not), revocation, and an unauthenticated caller', async () => {
    const client = await createClient(gw, 'shop', { auth: 'client_secret', scopes: ['read'] });
    const auth = { authorization: basic(client.client_id, client.client_secret) };
    const token = (await form('/oauth/token', { grant_type: 'client_credentials' }, auth)).body.access_token as string;
    expect((await form('/oauth/introspect', { token }, auth)).body.active).toBe(true);
    expect((await form('/oauth/revoke', { token }, auth)).status).toBe(200);
    expect((await form('/oauth/introspect', { token }, auth)).body).toEqual({ active: false });
    expect((await form('/oauth/introspect', { token })).status).toBe(401);
  });

  it('metadata, liveness and readiness', async () => {
    expect((await get(gw.url, '/.well-known/oauth-authorization-server')).status).toBe(200);
    expect((await get(gw.metricsUrl, '/healthz')).status).toBe(200);
    expect((await get(gw.metricsUrl, '/readyz')).status).toBe(200);
  });
});
