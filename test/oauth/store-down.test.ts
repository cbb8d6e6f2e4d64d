/** With the token store down, the token service answers 503 fast and issues nothing (own redis-server, stopped by PID). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { clientPrivateKey, createClient, JWT_BEARER, postForm, signAssertion } from '../helpers/oauth.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

const ISSUER = 'https://auth.example.test';
let redis: RedisServer;
let gw: TestGateway;

beforeAll(async () => {
  redis = await startRedisServer({ save: true });
  gw = await startTestGateway({ issuer: ISSUER, store: { url: redis.url } });
  await gw.admin('POST', '/apps', { id: 'app1', name: 'one', scopes: ['read'] });
}, 30_000);

afterAll(async () => {
  await gw.close().catch(() => undefined);
  await redis.dispose();
});

describe('token service with the store down', () => {
  it('answers 503 with Retry-After (never a token, never 401) for grants, key exchange, introspection and revocation', async () => {
    const secretClient = await createClient(gw, 'app1', { auth: 'client_secret', scopes: ['read'] });
    const jwtClient = await createClient(gw, 'app1', { auth: 'private_key_jwt', scopes: ['read'] });
    const apiKey = (await gw.admin('POST', '/apps/app1/api-keys', { name: 'k' })).body.key;
    const assertion = await signAssertion(clientPrivateKey(jwtClient.client_key), jwtClient.client_id, ISSUER, { kid: jwtClient.kid });
    await redis.stop();
    const answers = [
      await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_id: secretClient.client_id, client_secret: secretClient.client_secret }),
      await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion }),
      await postForm(gw.url, '/oauth/key', '', { 'x-api-secret-key': apiKey }),
      await postForm(gw.url, '/oauth/introspect', { token: 'x' }, { authorization: `Bearer ${gw.adminToken}` }),
      await postForm(gw.url, '/oauth/revoke', { token: 'x' }, { authorization: `Bearer ${gw.adminToken}` }),
    ];
    for (const res of answers) {
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body.access_token).toBeUndefined();
    }
    // Back up: the assertion whose jti was never claimed is still good once.
    await redis.start();
    await gw.gateway.store.ready(5_000);
    await expect.poll(async () => (await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion })).status, { timeout: 10_000 }).toBe(200);
  });
});
