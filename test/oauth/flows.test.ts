/**
 * End to end through the edge proxy, the way each system's clients work today:
 * HYPR (generated key → `tollgate assertion` → HYPR exchange path → route),
 * Hyperproof (client_id/client_secret form fields → scoped route),
 * Hypersign (X-Api-Secret-Key → route).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { JWT_BEARER, postForm } from '../helpers/oauth.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const ISSUER = 'https://gateway.example.com';
let gw: TestGateway;
let upstream: TestUpstream;
let cli: (args: string[]) => ReturnType<typeof runCli>;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    issuer: ISSUER,
    compat: { hypr: true, hypersign: true },
    routes: [
      { name: 'rp-bulk', match: { path: '/rp/api/bulk/:rpAppId/*', methods: ['GET', 'POST'] }, upstream: upstream.url, app: { param: 'rpAppId' }, scopes: ['reporting'] },
      { name: 'controls', match: { path: '/v1/controls/*', methods: ['GET'] }, upstream: upstream.url, app: 'hyperproof', scopes: ['control.read'] },
      { name: 'ssi', match: { path: '/hs/api/*' }, upstream: upstream.url, app: 'hypersign' },
    ],
  });
  cli = (args) => runCli([...args, '--url', gw.adminUrl, '--json'], { TOLLGATE_ADMIN_TOKEN: gw.adminToken });
  expect((await gw.admin('POST', '/apps', { id: 'HYPRDefaultApplication', name: 'HYPR RP', scopes: ['reporting', 'device.reg'] })).status).toBe(201);
  expect((await gw.admin('POST', '/apps', { id: 'hyperproof', name: 'Hyperproof', scopes: ['control.read', 'control.write'] })).status).toBe(201);
  expect((await gw.admin('POST', '/apps', { id: 'hypersign', name: 'Hypersign', origins: ['https://studio.example.com'] })).status).toBe(201);
}, 30_000);

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

describe('end-to-end client flows', () => {
  it('HYPR: generated key, tollgate assertion, exchange on the HYPR path, call a route', async () => {
    const created = await cli(['client', 'create', '--app', 'HYPRDefaultApplication', '--name', 'rp-robot', '--role', 'rp', '--auth', 'private_key_jwt', '--scopes', 'reporting']);
    expect(created.code, created.stderr).toBe(0);
    const client = JSON.parse(created.stdout);
    // The kid is left out on purpose: the CLI derives the same thumbprint the gateway assigned.
    const signed = await runCli(['assertion', '--sub', client.client_id, '--key-base64', client.client_key, '--aud', ISSUER, '--exp', '60s']);
    expect(signed.code, signed.stderr).toBe(0);
    const assertion = signed.stdout.trim();
    const res = await postForm(gw.url, '/rp/token/endpoint/exchange/clientcredentials', { grant_type: 'authorization_code', client_assertion_type: JWT_BEARER, client_assertion: assertion });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const call = await fetch(`${gw.url}/rp/api/bulk/HYPRDefaultApplication/users`, { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(call.status).toBe(200);
    const seen = upstream.requests.at(-1)!;
    expect(seen.headers['x-auth-app']).toBe('HYPRDefaultApplication');
    expect(seen.headers['x-auth-subject']).toBe('service:rp');
    expect(seen.headers['x-auth-client-id']).toBe(client.client_id);
    // Bound to its app: another app's route refuses it.
    expect((await fetch(`${gw.url}/rp/api/bulk/OtherApp/users`, { headers: { authorization: `Bearer ${res.body.access_token}` } })).status).toBe(401);
  });

  it('Hyperproof: client_id and client_secret form fields, bearer token, scoped route', async () => {
    const created = await cli(['client', 'create', '--app', 'hyperproof', '--name', 'me', '--type', 'personal', '--owner', 'alice@example.com', '--scopes', 'control.read,control.write']);
    expect(created.code, created.stderr).toBe(0);
    const client = JSON.parse(created.stdout);
    const res = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const call = await fetch(`${gw.url}/v1/controls/ctl-1`, { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(call.status).toBe(200);
    expect(upstream.requests.at(-1)!.headers['x-auth-subject']).toBe('alice@example.com');
    const narrow = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, scope: 'control.write' });
    const denied = await fetch(`${gw.url}/v1/controls/ctl-1`, { headers: { authorization: `Bearer ${narrow.body.access_token}` } });
    expect(denied.status).toBe(403);
  });

  it('Hypersign: X-Api-Secret-Key with an allowed Origin, then the route', async () => {
    const created = await cli(['key', 'create', '--app', 'hypersign', '--name', 'studio']);
    expect(created.code, created.stderr).toBe(0);
    const { key } = JSON.parse(created.stdout);
    const res = await fetch(`${gw.url}/api/v1/app/oauth`, { method: 'POST', headers: { 'x-api-secret-key': key, origin: 'https://studio.example.com' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 14400 });
    expect((await fetch(`${gw.url}/hs/api/v1/did`, { headers: { authorization: `Bearer ${body.access_token}` } })).status).toBe(200);
  });
});
