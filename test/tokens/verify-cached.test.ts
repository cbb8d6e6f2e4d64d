import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { createTokenCache, type TokenCache } from '../../src/tokens/token-cache.js';
import { createTokenLifecycle, type TokenLifecycle } from '../../src/tokens/lifecycle.js';

let now: number;
let store: MemoryStore;
let cache: TokenCache;
let lifecycle: TokenLifecycle;
let hits: number;
const clock = () => now;

beforeEach(() => {
  now = Date.UTC(2026, 0, 1);
  hits = 0;
  store = new MemoryStore(clock);
  cache = createTokenCache({ maxStaleness: 1_000, onLookup: (hit) => void (hit && hits++) }, clock);
  lifecycle = createTokenLifecycle(store, parseConfig({}), clock, cache);
});

async function cachedToken(ttl?: number) {
  const issued = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: ['read'], createdBy: 'admin', ...(ttl === undefined ? {} : { ttl }) });
  expect((await lifecycle.verify(issued.token)).ok).toBe(true);
  return issued;
}

describe('verifyCached (the synchronous hit path)', () => {
  it('answers nothing for a token the cache has not seen, so the caller reads the store', async () => {
    const { token } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'admin' });
    expect(lifecycle.verifyCached(token)).toBeUndefined();
    expect(hits).toBe(0);
  });

  it('returns the same prebuilt Principal for every hit of a cached live token, and counts each hit', async () => {
    const { token, record } = await cachedToken();
    const first = lifecycle.verifyCached(token);
    expect(first).toEqual({ tokenId: record.id, app: 'a', kind: 'api', scopes: ['read'], subject: 'admin' });
    expect(lifecycle.verifyCached(token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(hits).toBe(2);
  });

  it('never answers past maxStaleness, counted from when the store read began', async () => {
    const { token } = await cachedToken();
    now += 1_000;
    expect(lifecycle.verifyCached(token)).toBeUndefined();
  });

  it('never answers for a revoked token, nor for one whose cached record has expired', async () => {
    const revoked = await cachedToken();
    await lifecycle.revoke(revoked.record.id);
    expect(lifecycle.verifyCached(revoked.token)).toBeUndefined();
    const expiring = await cachedToken(500);
    now += 500;
    expect(lifecycle.verifyCached(expiring.token)).toBeUndefined();
  });

  it('answers nothing while the cache is bypassed (revocation feed down)', async () => {
    const { token } = await cachedToken();
    cache.setEnabled(false);
    expect(lifecycle.verifyCached(token)).toBeUndefined();
  });

  it('refuses malformed secrets and secrets that are not bearer tokens without a lookup', async () => {
    const { token } = await cachedToken();
    expect(lifecycle.verifyCached(`${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`)).toBeUndefined();
    expect(lifecycle.verifyCached(token.replace('tg_a_', 'tg_k_'))).toBeUndefined();
    expect(hits).toBe(0);
  });

  it('records a use (sliding expiry) once per touch interval, fire-and-forget', async () => {
    const { token, record } = await cachedToken();
    const touched = (await store.getToken(record.id))!.lastUsedAt;
    now += parseConfig({}).tokens.touchInterval;
    cache.set(record.id, (await store.getToken(record.id))!, now, cache.epoch());
    expect(lifecycle.verifyCached(token)).toBeDefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await store.getToken(record.id))!.lastUsedAt).toBe(now);
    expect(now).not.toBe(touched);
  });
});
