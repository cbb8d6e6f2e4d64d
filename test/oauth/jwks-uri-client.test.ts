import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startHttpsServer, type TestHttpsServer } from '../helpers/https-server.js';
import { createClient, JWT_BEARER, postForm, signAssertion } from '../helpers/oauth.js';

const ISSUER = 'https://auth.example.test';
let server: TestHttpsServer;
let pair: Awaited<ReturnType<typeof generateKeyPair>>;
let jwk: Record<string, unknown>;

beforeAll(async () => {
  pair = await generateKeyPair('ES256', { extractable: true });
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'uri-key', alg: 'ES256' };
  server = await startHttpsServer((req, res) => {
    if (req.url === '/hang') return;
    if (req.url === '/junk') return void res.end('<html>not a key set</html>');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
});

afterAll(async () => server.close());

async function gatewayWith(jwks: Record<string, unknown>): Promise<TestGateway> {
  const gw = await startTestGateway({ issuer: ISSUER, jwks, tokenEndpoint: { rateLimit: { perIp: false, perClient: false } } });
  await gw.admin('POST', '/apps', { id: 'rp1', name: 'RP', scopes: ['reporting'] });
  return gw;
}

const exchange = async (gw: TestGateway, clientId: string) =>
  postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await signAssertion(pair.privateKey, clientId, ISSUER, { kid: 'uri-key' }) });

describe('private_key_jwt with a jwks_uri', () => {
  it('verifies against keys fetched over https; a hanging or junk jwks_uri is invalid_client 1201047', async () => {
    const gw = await gatewayWith({ allowPrivateAddresses: true, caFile: server.caFile, timeout: '500ms' });
    try {
      const good = await createClient(gw, 'rp1', { auth: 'private_key_jwt', jwks_uri: `${server.url}/jwks`, scopes: ['reporting'] });
      expect((await exchange(gw, good.client_id)).status).toBe(200);
      for (const path of ['/hang', '/junk']) {
        const bad = await createClient(gw, 'rp1', { auth: 'private_key_jwt', jwks_uri: `${server.url}${path}`, scopes: ['reporting'] });
        const res = await exchange(gw, bad.client_id);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ error: 'invalid_client', code: '1201047' });
      }
    } finally {
      await gw.close();
    }
  });

  it('refuses a loopback jwks_uri by default (SSRF), without contacting it', async () => {
    const gw = await gatewayWith({ caFile: server.caFile });
    try {
      const before = server.hits.length;
      const c = await createClient(gw, 'rp1', { auth: 'private_key_jwt', jwks_uri: `${server.url}/jwks`, scopes: ['reporting'] });
      const res = await exchange(gw, c.client_id);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('1201047');
      expect(server.hits.length).toBe(before);
    } finally {
      await gw.close();
    }
  });
});
