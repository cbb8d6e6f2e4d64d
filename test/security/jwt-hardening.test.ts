import { createPrivateKey, randomUUID, sign as cryptoSign } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { clientPrivateKey, createClient, JWT_BEARER, postForm, signAssertion } from '../helpers/oauth.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const ISSUER = 'https://auth.example.test';
let gw: TestGateway;
/** Stands in for attacker-hosted key URLs: nothing may ever be fetched from it. */
let attacker: TestUpstream;
let client: { client_id: string; kid: string; client_key: string };

beforeAll(async () => {
  attacker = await startUpstream();
  gw = await startTestGateway({ issuer: ISSUER, tokenEndpoint: { rateLimit: { perIp: false, perClient: false } } }, 'memory');
  expect((await gw.admin('POST', '/apps', { id: 'rp1', name: 'RP', scopes: ['reporting'] })).status).toBe(201);
  client = await createClient(gw, 'rp1', { auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 1000 });
});

afterAll(async () => {
  await gw.close();
  await attacker.close();
});

const sign = (o: Parameters<typeof signAssertion>[3] = {}) => signAssertion(clientPrivateKey(client.client_key), client.client_id, ISSUER, { kid: client.kid, ...o });
const exchange = (assertion: string) => postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });

async function expectRefused(assertion: string): Promise<void> {
  const res = await exchange(assertion);
  expect(res.status, JSON.stringify(res.body)).toBe(401);
  expect(res.body).toMatchObject({ error: 'invalid_client' });
  expect(res.body.access_token).toBeUndefined();
}

describe('JWT client assertions: hardening beyond the token service tests', () => {
  it('still accepts a plain, well-formed assertion (the baseline the refusals below differ from)', async () => {
    expect((await exchange(await sign())).status).toBe(200);
  });

  it('refuses a crit header naming an extension it does not understand', async () => {
    // jose will not sign with an unknown crit, so the assertion is signed by hand (ES256: P1363 signature).
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: 'ES256', kid: client.kid, crit: ['urn:example:unknown'], 'urn:example:unknown': true })}.${b64({ iss: client.client_id, sub: client.client_id, aud: ISSUER, iat: now, exp: now + 60, jti: randomUUID() })}`;
    const signature = cryptoSign('sha256', Buffer.from(input), { key: createPrivateKey({ key: Buffer.from(client.client_key, 'base64'), format: 'der', type: 'pkcs8' }), dsaEncoding: 'ieee-p1363' });
    await expectRefused(`${input}.${signature.toString('base64url')}`);
  });

  it('ignores jku and x5u (never fetches them) and an embedded jwk: an attacker key signs in vain', async () => {
    const evil = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(evil.publicKey)), kid: client.kid, alg: 'ES256' };
    const header = { jku: `${attacker.url}/jwks.json`, x5u: `${attacker.url}/cert.pem`, jwk };
    await expectRefused(await signAssertion(evil.privateKey, client.client_id, ISSUER, { kid: client.kid, extraHeader: header }));
    expect(attacker.requests).toEqual([]);
    // The same headers on a genuinely signed assertion change nothing: keys come only from the registration.
    expect((await exchange(await sign({ extraHeader: { jku: `${attacker.url}/jwks.json`, x5u: `${attacker.url}/c.pem` } }))).status).toBe(200);
    expect(attacker.requests).toEqual([]);
  });

  it('refuses a nested JWT (cty: JWT) and a JWE-shaped (five-part) assertion', async () => {
    await expectRefused(await sign({ extraHeader: { cty: 'JWT' } }));
    const parts = (await sign()).split('.');
    await expectRefused([parts[0], parts[1], 'AAAA', 'BBBB', parts[2]].join('.'));
  });

  it('refuses an oversized assertion before verifying it: a body over the limit is 413, a large one under it 401', async () => {
    const parts = (await sign()).split('.');
    const padded = (size: number) => {
      const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
      claims.pad = 'x'.repeat(size);
      return [parts[0], Buffer.from(JSON.stringify(claims)).toString('base64url'), parts[2]].join('.');
    };
    const huge = await exchange(padded(64 * 1024));
    expect(huge.status).toBe(413);
    expect(huge.body.access_token).toBeUndefined();
    await expectRefused(padded(6 * 1024));
  });

  it('refuses HS256 keyed with the client\'s public key (algorithm confusion)', async () => {
    const publicJwk = (await gw.admin('GET', `/apps/rp1/clients/${client.client_id}`)).body;
    const keys = publicJwk.jwks?.keys ?? [];
    expect(keys.length).toBeGreaterThan(0);
    const secret = new TextEncoder().encode(JSON.stringify(keys[0]));
    await expectRefused(await signAssertion(secret, client.client_id, ISSUER, { kid: client.kid, alg: 'HS256' }));
  });
});
