import { createPrivateKey } from 'node:crypto';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { clientPrivateKey, createClient, JWT_BEARER, postForm, signAssertion, type AssertionOptions } from '../helpers/oauth.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const ISSUER = 'https://auth.example.test';
let gw: TestGateway;
let upstream: TestUpstream;
let a: { client_id: string; kid: string; client_key: string };
let b: { client_id: string; kid: string; client_key: string };
let rsa: { client_id: string };
let rsaKeys: Awaited<ReturnType<typeof generateKeyPair>>;

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    issuer: ISSUER,
    compat: { hypr: true },
    tokenEndpoint: { rateLimit: { perIp: false, perClient: false } },
    routes: [{ name: 'rp', match: { path: '/rp/api/*' }, upstream: upstream.url, app: 'rp1', scopes: ['reporting'] }],
  });
  expect((await gw.admin('POST', '/apps', { id: 'rp1', name: 'RP', scopes: ['reporting', 'device.reg'] })).status).toBe(201);
  a = await createClient(gw, 'rp1', { auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 1000, assertionMaxLifetime: '5m' });
  b = await createClient(gw, 'rp1', { auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 1000 });
  rsaKeys = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(rsaKeys.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
  rsa = await createClient(gw, 'rp1', { auth: 'private_key_jwt', scopes: ['reporting'], jwks: { keys: [jwk] }, maxActiveTokens: 1000 });
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

const keyA = () => clientPrivateKey(a.client_key);
const assertA = (o: AssertionOptions = {}) => signAssertion(keyA(), a.client_id, ISSUER, { kid: a.kid, ...o });
const exchange = (assertion: string, extra: Record<string, string> = {}, path = '/oauth/token') =>
  postForm(gw.url, path, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra });

async function expectRejected(assertion: string, extra: Record<string, string> = {}) {
  const res = await exchange(assertion, extra);
  expect(res.status, JSON.stringify(res.body)).toBe(401);
  expect(res.body).toMatchObject({ error: 'invalid_client', code: '1201047' });
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.body.access_token).toBeUndefined();
  return res;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('private_key_jwt (RFC 7523)', () => {
  it('issues a token for a well-formed ES256 assertion signed with the generated key, and the token opens the route', async () => {
    const res = await exchange(await assertA());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'reporting' });
    const call = await fetch(`${gw.url}/rp/api/x`, { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(call.status).toBe(200);
    expect(upstream.requests.at(-1)!.headers['x-auth-client-id']).toBe(a.client_id);
  });

  it('accepts an RS256 assertion against an inline JWKS and client_id when it matches', async () => {
    const jwt = await signAssertion(rsaKeys.privateKey, rsa.client_id, ISSUER, { alg: 'RS256', kid: 'rsa-1' });
    expect((await exchange(jwt, { client_id: rsa.client_id })).status).toBe(200);
  });

  it('rejects an assertion without kid, with an unknown kid, or signed by another key', async () => {
    await expectRejected(await assertA({ kid: null }));
    await expectRejected(await assertA({ kid: 'not-a-registered-kid' }));
    await expectRejected(await signAssertion(clientPrivateKey(b.client_key), a.client_id, ISSUER, { kid: a.kid }));
    await expectRejected(await assertA({ kid: 'k'.repeat(200) }));
  });

  it('never lets a key of client B verify an assertion claiming client A', async () => {
    await expectRejected(await signAssertion(clientPrivateKey(b.client_key), a.client_id, ISSUER, { kid: b.kid }));
  });

  it('rejects alg none, and HS256 keyed with the public key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: a.client_id, sub: a.client_id, aud: ISSUER, jti: 'none-1', iat: now, exp: now + 60 };
    await expectRejected(`${b64({ alg: 'none', kid: a.kid })}.${b64(claims)}.`);
    const pem = await exportSPKI(rsaKeys.publicKey);
    const hs = await new SignJWT({ ...claims, iss: rsa.client_id, sub: rsa.client_id, jti: 'hs-1' }).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).sign(new TextEncoder().encode(pem));
    await expectRejected(hs);
    const jwkSecret = new TextEncoder().encode(JSON.stringify(await exportJWK(rsaKeys.publicKey)));
    await expectRejected(await new SignJWT({ ...claims, iss: rsa.client_id, sub: rsa.client_id, jti: 'hs-2' }).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).sign(jwkSecret));
  });

  it('rejects an alg other than the key\'s own (ES384 header on a P-256 key, PS256 on an RS256 key)', async () => {
    const rsaKeyObject = createPrivateKey(await exportPKCS8(rsaKeys.privateKey));
    await expectRejected(await signAssertion(rsaKeyObject, rsa.client_id, ISSUER, { alg: 'PS256', kid: 'rsa-1' }));
    const forged = (await assertA()).split('.');
    await expectRejected(`${b64({ alg: 'ES384', kid: a.kid })}.${forged[1]}.${forged[2]}`);
  });

  it('ignores an embedded jwk header: the attacker key does not verify', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    await expectRejected(await signAssertion(attacker.privateKey, a.client_id, ISSUER, { kid: a.kid, extraHeader: { jwk } }));
    await expectRejected(await signAssertion(attacker.privateKey, a.client_id, ISSUER, { kid: a.kid, extraHeader: { jku: 'https://attacker.example/jwks' } }));
  });

  it('requires jti and accepts each jti once', async () => {
    await expectRejected(await assertA({ jti: null }));
    const once = await assertA();
    expect((await exchange(once)).status).toBe(200);
    const replay = await expectRejected(once);
    expect(replay.body.error_description).toMatch(/already used/);
  });

  it('gives exactly one token to many identical concurrent requests', async () => {
    const jwt = await assertA();
    const results = await Promise.all(Array.from({ length: 10 }, () => exchange(jwt)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401 && r.body.code === '1201047')).toHaveLength(9);
  });

  it('requires aud to be the issuer as its sole value', async () => {
    await expectRejected(await assertA({ aud: 'https://other.example' }));
    await expectRejected(await assertA({ aud: `${ISSUER}/oauth/token` }));
    await expectRejected(await assertA({ aud: [ISSUER, 'https://other.example'] }));
    await expectRejected(await assertA({ aud: null }));
  });

  it('rejects expired, too long-lived, future-iat, future-nbf and exp-less assertions', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRejected(await assertA({ iat: now - 600, exp: now - 120 }));
    await expectRejected(await assertA({ iat: now, exp: now + 3600 }));
    await expectRejected(await assertA({ iat: now + 600, exp: now + 660 }));
    await expectRejected(await assertA({ nbf: now + 600, exp: now + 120 }));
    await expectRejected(await assertA({ exp: null }));
  });

  it('requires iss = sub = client id, and client_id to match when sent', async () => {
    await expectRejected(await assertA({ iss: b.client_id }));
    await expectRejected(await assertA({ sub: b.client_id }));
    await expectRejected(await assertA(), { client_id: b.client_id });
  });

  it('rejects an oversized assertion, garbage, and an access token used as an assertion', async () => {
    await expectRejected(await assertA({ extraHeader: { pad: 'x'.repeat(9_000) } }));
    await expectRejected('not.a.jwt');
    const ok = await exchange(await assertA());
    await expectRejected(ok.body.access_token);
  });

  it('refuses an assertion used as a Bearer token at the edge', async () => {
    const res = await fetch(`${gw.url}/rp/api/x`, { headers: { authorization: `Bearer ${await assertA()}` } });
    expect(res.status).toBe(401);
  });

  it('needs the jwt-bearer assertion type', async () => {
    const res = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: 'urn:other', client_assertion: await assertA() });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('serves the HYPR exchange path, taking authorization_code only with an assertion and no code', async () => {
    const path = '/rp/token/endpoint/exchange/clientcredentials';
    expect((await exchange(await assertA(), { grant_type: 'authorization_code' }, path)).status).toBe(200);
    expect((await exchange(await assertA(), { grant_type: 'client_credentials' }, path)).status).toBe(200);
    const withCode = await exchange(await assertA(), { grant_type: 'authorization_code', code: 'abc' }, path);
    expect(withCode.status).toBe(400);
    expect(withCode.body.error).toBe('unsupported_grant_type');
    const onMain = await exchange(await assertA(), { grant_type: 'authorization_code' });
    expect(onMain.body.error).toBe('unsupported_grant_type');
    // Hypersign is not switched on here: its alias is not the token service's.
    expect((await fetch(`${gw.url}/api/v1/app/oauth`, { method: 'POST' })).status).toBe(404);
  });
});

describe('compat.legacyAssertionAudience', () => {
  it('accepts the token endpoint URL or an array containing the issuer only when switched on', async () => {
    const legacy = await startTestGateway({ issuer: ISSUER, compat: { legacyAssertionAudience: true } }, 'memory');
    try {
      await legacy.admin('POST', '/apps', { id: 'rp1', name: 'RP', scopes: ['reporting'] });
      const c = (await legacy.admin('POST', '/apps/rp1/clients', { name: 'c', type: 'service', role: 'r', auth: 'private_key_jwt', scopes: ['reporting'] })).body;
      const key = clientPrivateKey(c.client_key);
      for (const aud of [`${ISSUER}/oauth/token`, [ISSUER, 'https://x.example'], ISSUER]) {
        const jwt = await signAssertion(key, c.client_id, ISSUER, { kid: c.kid, aud });
        const res = await postForm(legacy.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: jwt });
        expect(res.status).toBe(200);
      }
      const wrong = await signAssertion(key, c.client_id, ISSUER, { kid: c.kid, aud: 'https://x.example' });
      expect((await postForm(legacy.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: wrong })).status).toBe(401);
    } finally {
      await legacy.close();
    }
  });
});

