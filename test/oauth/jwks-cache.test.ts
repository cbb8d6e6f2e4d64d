import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksCache } from '../../src/oauth/jwks-cache.js';
import { startHttpsServer, type TestHttpsServer } from '../helpers/https-server.js';

let server: TestHttpsServer;
let keys: unknown[] = [];
let body: (() => string) | null = null;

beforeAll(async () => {
  server = await startHttpsServer((req, res) => {
    if (req.url === '/hang') return; // never answers
    if (req.url === '/redirect') return void res.writeHead(302, { location: '/jwks' }).end();
    if (req.url === '/big') return void res.end(`{"keys":[${'{"kty":"EC"},'.repeat(20_000)}{}]}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(body ? body() : JSON.stringify({ keys }));
  });
  const pair = await generateKeyPair('ES256', { extractable: true });
  keys = [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }];
});

afterAll(async () => server.close());

function cache(now: { t: number }, allowPrivateAddresses = true, timeout = 5_000) {
  return createJwksCache({ timeout, maxBytes: 65_536, cacheTtl: 300_000, allowPrivateAddresses, ca: server.ca, clock: () => now.t });
}

describe('jwks_uri fetching', () => {
  it('fetches, caches, and refetches on a kid miss at most once per minute', async () => {
    const now = { t: 1_000_000 };
    const jwks = cache(now);
    const uri = `${server.url}/jwks?a`;
    expect((await jwks.key(uri, 'k1'))?.kid).toBe('k1');
    expect(await jwks.key(uri, 'k1')).not.toBeNull();
    const fetches = () => server.hits.filter((h) => h === '/jwks?a').length;
    expect(fetches()).toBe(1);
    const pair = await generateKeyPair('ES256', { extractable: true });
    keys = [...keys, { ...(await exportJWK(pair.publicKey)), kid: 'k2', alg: 'ES256' }];
    // Within the cooldown a miss does not refetch, however many arrive.
    now.t += 30_000;
    for (let i = 0; i < 5; i++) expect(await jwks.key(uri, 'k2')).toBeNull();
    expect(fetches()).toBe(1);
    now.t += 30_000;
    expect((await jwks.key(uri, 'k2'))?.kid).toBe('k2');
    expect(fetches()).toBe(2);
    expect(await jwks.key(uri, 'unknown')).toBeNull();
    expect(fetches()).toBe(2);
  });

  it('hands out the whole set for a kid that is only a hint, from the cache until it is stale', async () => {
    const now = { t: 2_000_000 };
    const jwks = cache(now);
    const uri = `${server.url}/jwks?all`;
    const fetches = () => server.hits.filter((h) => h === '/jwks?all').length;
    expect((await jwks.keys(uri)).map((k) => k.kid)).toEqual(keys.map((k) => (k as { kid: string }).kid));
    await jwks.keys(uri);
    expect(await jwks.key(uri, 'k1')).not.toBeNull();
    expect(fetches()).toBe(1);
    now.t += 300_000;
    await jwks.keys(uri);
    expect(fetches()).toBe(2);
  });

  it('fails on a hanging server within the timeout, on junk, on oversized documents and on redirects', async () => {
    const now = { t: 0 };
    const jwks = cache(now, true, 300);
    await expect(jwks.key(`${server.url}/hang`, 'k1')).rejects.toThrow(/timed out/);
    await expect(jwks.key(`${server.url}/big`, 'k1')).rejects.toThrow(/too large/);
    await expect(jwks.key(`${server.url}/redirect`, 'k1')).rejects.toThrow(/302/);
    body = () => 'not json at all';
    await expect(jwks.key(`${server.url}/junk`, 'k1')).rejects.toThrow();
    body = () => JSON.stringify({ keys: 'nope' });
    await expect(jwks.key(`${server.url}/junk2`, 'k1')).rejects.toThrow(/keys/);
    body = null;
  });

  it('refuses http, and loopback or private addresses unless allowed', async () => {
    const jwks = cache({ t: 0 }, false);
    const before = server.hits.length;
    await expect(jwks.key(`${server.url}/jwks`, 'k1')).rejects.toThrow(/private/);
    await expect(jwks.key(server.url.replace('127.0.0.1', 'localhost') + '/jwks', 'k1')).rejects.toThrow(/private/);
    await expect(jwks.key('http://example.com/jwks', 'k1')).rejects.toThrow(/https/);
    expect(server.hits.length).toBe(before);
  });
});
