/** Replay protection and the token cap hold across two gateway processes sharing one Redis. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/tokens/format.js';
import { startServe, type ServeProcess } from '../helpers/cli.js';
import { clientPrivateKey, JWT_BEARER, postForm, signAssertion } from '../helpers/oauth.js';
import { cleanupPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const ISSUER = 'https://auth.example.test';
const prefix = uniquePrefix('replay');
const adminToken = generateSecret('api');
let dir: string;
let procs: ServeProcess[] = [];
let urls: string[] = [];

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${urls[0]}/admin/v1${path}`, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tg-replay-'));
  const config = join(dir, 'tollgate.yaml');
  // A generous store timeout: on a loaded machine a slow Redis reply would be a (correct) 503, and
  // this test is about which request wins the jti, not about timeouts.
  writeFileSync(config, [
    'listen: { host: 127.0.0.1, port: 0, metricsPort: 0 }',
    `store: { driver: redis, url: "${REDIS_URL}", keyPrefix: "${prefix}", timeout: 2s }`,
    `issuer: ${ISSUER}`,
    'tokenEndpoint: { rateLimit: { perIp: false, perClient: false } }',
    'log: { level: info }',
  ].join('\n'));
  procs = [startServe(['--config', config], { TOLLGATE_BOOTSTRAP_TOKEN: adminToken }), startServe(['--config', config], { TOLLGATE_BOOTSTRAP_TOKEN: adminToken })];
  urls = await Promise.all(procs.map(async (p) => (await p.waitFor(/"main":"(http:\/\/[^"]+)"/, 45_000))[1]!));
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
  await cleanupPrefix(prefix);
});

const exchange = (url: string, assertion: string) =>
  postForm(url, '/oauth/token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion });

describe('two gateway processes, one Redis', () => {
  it('accept a jti once, whichever process sees it, sequentially and concurrently', async () => {
    expect(urls[0]).not.toBe(urls[1]);
    expect((await admin('POST', '/apps', { id: 'rp1', name: 'RP', scopes: ['reporting'] })).status).toBe(201);
    const client = (await admin('POST', '/apps/rp1/clients', { name: 'hypr', type: 'service', role: 'rp', auth: 'private_key_jwt', scopes: ['reporting'], maxActiveTokens: 100 })).body;
    const key = clientPrivateKey(client.client_key);
    const sign = () => signAssertion(key, client.client_id, ISSUER, { kid: client.kid });

    const first = await sign();
    expect((await exchange(urls[0]!, first)).status).toBe(200);
    const replay = await exchange(urls[1]!, first);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: 'invalid_client', code: '1201047' });

    for (let round = 0; round < 5; round++) {
      const jwt = await sign();
      const results = await Promise.all([...urls, ...urls, ...urls].map((url) => exchange(url, jwt)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    }
  });

  it('share the per-client token cap', async () => {
    const client = (await admin('POST', '/apps/rp1/clients', { name: 'capped', type: 'service', role: 'rp', auth: 'client_secret', scopes: ['reporting'], maxActiveTokens: 3 })).body;
    const form = { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret };
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => postForm(urls[i % 2]!, '/oauth/token', form)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429 && r.body.code === '1201093')).toHaveLength(5);
  });
});
