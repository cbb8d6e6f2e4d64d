import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createClientKeyCache } from '../../src/oauth/client-key-cache.js';
import type { ClientKey } from '../../src/store/client-store.js';

async function es256Key(kid: string): Promise<ClientKey> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
}

describe('client key cache (imported private_key_jwt keys)', () => {
  it('imports a key once and hands the same imported key to later assertions', async () => {
    const cache = createClientKeyCache();
    const jwk = await es256Key('k1');
    const first = await cache.key('c1', jwk);
    expect(await cache.key('c1', { ...jwk })).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('imports afresh when the key under a kid is rotated, and keeps clients apart', async () => {
    const cache = createClientKeyCache();
    const old = await es256Key('k1');
    const before = await cache.key('c1', old);
    const rotated = await cache.key('c1', await es256Key('k1'));
    expect(rotated).not.toBe(before);
    expect(await cache.key('c2', old)).not.toBe(before);
  });

  it('forgets a deleted client', async () => {
    const cache = createClientKeyCache();
    const jwk = await es256Key('k1');
    const before = await cache.key('c1', jwk);
    cache.forget('c1');
    expect(cache.size).toBe(0);
    expect(await cache.key('c1', jwk)).not.toBe(before);
  });

  it('stays bounded: the least recently used client goes first', async () => {
    const cache = createClientKeyCache(2);
    const jwk = await es256Key('k1');
    const a = await cache.key('a', jwk);
    await cache.key('b', jwk);
    expect(await cache.key('a', jwk)).toBe(a);
    await cache.key('c', jwk);
    expect(cache.size).toBe(2);
    expect(await cache.key('a', jwk)).toBe(a);
  });

  it('does not remember a key that fails to import', async () => {
    const cache = createClientKeyCache();
    const broken: ClientKey = { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA', kid: 'k1', alg: 'ES256' };
    await expect(cache.key('c1', broken)).rejects.toThrow();
    expect(cache.size).toBe(0);
  });
});
