import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { basic, clientPrivateKey, createClient, JWT_BEARER, postForm, signAssertion } from '../helpers/oauth.js';
import { dumpPrefix } from '../helpers/redis.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const ISSUER = 'https://auth.example.test';
let gw: TestGateway;
let upstream: TestUpstream;
/** Every raw credential this test saw: none may appear at rest, in logs, in metrics or in an error body. */
const secrets: string[] = [];
const errorBodies: string[] = [];

const near = (secret: string) => secret.slice(0, 10) + (secret[10] === 'A' ? 'B' : 'A') + secret.slice(11);

beforeAll(async () => {
  upstream = await startUpstream();
  gw = await startTestGateway({
    issuer: ISSUER,
    compat: { hypersign: true },
    tokenEndpoint: { rateLimit: { perIp: false, perClient: false } },
    routes: [{ name: 'rp', match: { path: '/rp/*' }, upstream: upstream.url, app: 'rp1', kinds: ['api', 'install', 'access'] }],
  });
  expect((await gw.admin('POST', '/apps', { id: 'rp1', name: 'RP', scopes: ['reporting'] })).status).toBe(201);
  secrets.push(gw.adminToken);
  for (const kind of ['api', 'install']) secrets.push((await gw.admin('POST', '/apps/rp1/tokens', { name: `t-${kind}`, kind, scopes: kind === 'api' ? ['reporting'] : [] })).body.token);

  const secretClient = await createClient(gw, 'rp1', { auth: 'client_secret', scopes: ['reporting'], maxActiveTokens: 100 });
  secrets.push(secretClient.client_secret);
  const rotated = await gw.admin('POST', `/apps/rp1/clients/${secretClient.client_id}/secret`);
  expect(rotated.status).toBe(200);
  const secret: string = rotated.body.client_secret;
  secrets.push(secret);
  const keyClient = await createClient(gw, 'rp1', { auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 100 });
  secrets.push(keyClient.client_key);
  const apiKey: string = (await gw.admin('POST', '/apps/rp1/api-keys', { name: 'server' })).body.key;
  secrets.push(apiKey);

  const assertion = await signAssertion(clientPrivateKey(keyClient.client_key), keyClient.client_id, ISSUER, { kid: keyClient.kid });
  secrets.push(assertion, assertion.split('.')[2]!);
  const issued = [
    await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(secretClient.client_id, secret) }),
    await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_id: secretClient.client_id, client_secret: secret }),
    await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion }),
    await postForm(gw.url, '/oauth/key', '', { 'x-api-secret-key': apiKey }),
  ];
  for (const res of issued) {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    secrets.push(res.body.access_token);
  }
  for (const token of secrets.slice(1).filter((s) => /^tg_[aio]_/.test(s))) expect((await fetch(`${gw.url}/rp/x`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  await postForm(gw.url, '/oauth/introspect', { token: issued[0]!.body.access_token }, { authorization: basic(secretClient.client_id, secret) });
  await postForm(gw.url, '/oauth/revoke', { token: issued[1]!.body.access_token }, { authorization: basic(secretClient.client_id, secret) });

  // Failures that carry a credential: the answers must not echo it.
  const attempts: [string, Promise<Response | { status: number; body: unknown }>][] = [
    [near(secrets[1]!), fetch(`${gw.url}/rp/x`, { headers: { authorization: `Bearer ${near(secrets[1]!)}` } })],
    [near(secret), postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_id: secretClient.client_id, client_secret: near(secret) })],
    [near(secret), postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(secretClient.client_id, near(secret)) })],
    [near(apiKey), postForm(gw.url, '/oauth/key', '', { 'x-api-secret-key': near(apiKey) })],
    [near(assertion), postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: near(assertion) })],
    [near(gw.adminToken), fetch(`${gw.adminUrl}/admin/v1/apps`, { headers: { authorization: `Bearer ${near(gw.adminToken)}` } })],
  ];
  for (const [credential, pending] of attempts) {
    const res = await pending;
    const text = res instanceof Response ? await res.text() : JSON.stringify(res.body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    secrets.push(credential);
    errorBodies.push(text);
  }
});

afterAll(async () => {
  await gw.close();
  await upstream.close();
});

/** The credential or any 24-character piece of its secret part. */
function leaks(haystack: string, secret: string): boolean {
  if (haystack.includes(secret)) return true;
  const body = secret.replace(/^tg_[a-z]_/, '');
  for (let i = 0; i + 24 <= body.length; i += 12) if (haystack.includes(body.slice(i, i + 24))) return true;
  return false;
}

describe('secrets at rest and in motion', () => {
  it('keeps no raw token, secret, client key or assertion in Redis (keys or values)', async () => {
    const dump = await dumpPrefix(gw.prefix);
    expect(dump.size).toBeGreaterThan(10);
    const text = JSON.stringify([...dump.entries()]);
    for (const secret of secrets) expect(leaks(text, secret), `Redis holds ${secret.slice(0, 8)}...`).toBe(false);
  });

  it('writes none of them to any log line', () => {
    const logs = gw.logText();
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(leaks(logs, secret), `a log line holds ${secret.slice(0, 8)}...`).toBe(false);
  });

  it('exports none of them as metrics', async () => {
    const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
    expect(metrics).toContain('tollgate_tokens_issued_total');
    for (const secret of secrets) expect(leaks(metrics, secret)).toBe(false);
  });

  it('never echoes the presented credential in an error body', () => {
    expect(errorBodies).toHaveLength(6);
    for (const body of errorBodies) for (const secret of secrets) expect(leaks(body, secret), body).toBe(false);
  });
});

describe('constant-time comparison of secrets', () => {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
  const sources = files('src').filter((f) => f.endsWith('.ts')).map((f) => ({ f, text: readFileSync(f, 'utf8') }));

  it('compares digests only through sameDigest (timingSafeEqual), never with === or !==', () => {
    const direct = /(hash|digest|secret|token)\w*\s*[!=]==\s*\w*(hash|digest|secret)\b/i;
    const offenders = sources.flatMap(({ f, text }) => text.split('\n').map((line, i) => ({ where: `${f}:${i + 1}`, line })).filter(({ line }) => direct.test(line) && !line.includes('typeof')));
    expect(offenders).toEqual([]);
    expect(readFileSync('src/tokens/format.ts', 'utf8')).toMatch(/timingSafeEqual\(x, y\)/);
    for (const f of ['src/oauth/client-secret-auth.ts', 'src/oauth/key-exchange.ts']) expect(readFileSync(f, 'utf8')).toContain('sameDigest(');
    // Token records are checked by provesDigest: a stored digest through sameDigest; a v3 record (no digest kept)
    // by its id, which is public and was the lookup key, so comparing it takes no secret into account.
    expect(readFileSync('src/tokens/lifecycle.ts', 'utf8')).toContain('provesDigest(');
    expect(readFileSync('src/tokens/format.ts', 'utf8')).toMatch(/provesDigest[^]*?sameDigest\(record\.hash, digest\)/);
  });

  it('an unknown client and a wrong secret take the same path and get the same answer', async () => {
    const client = await createClient(gw, 'rp1', { auth: 'client_secret', scopes: ['reporting'] });
    const wrong = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic(client.client_id, near(client.client_secret)) });
    const unknown = await postForm(gw.url, '/oauth/token', { grant_type: 'client_credentials' }, { authorization: basic('no-such-client', client.client_secret) });
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.headers.get('www-authenticate')).toBe(wrong.headers.get('www-authenticate'));
  });
});
