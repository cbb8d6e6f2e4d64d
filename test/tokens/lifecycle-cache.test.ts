import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { createTokenCache, type TokenCache } from '../../src/tokens/token-cache.js';
import { createTokenLifecycle, type TokenLifecycle } from '../../src/tokens/lifecycle.js';
import type { TokenRecord } from '../../src/types.js';

/** The real memory store whose reads wait until released, so tests control interleavings. */
class GatedStore extends MemoryStore {
  reads = 0;
  private gates: (() => void)[] = [];
  override async getToken(id: string): Promise<TokenRecord | null> {
    this.reads++;
    const record = await super.getToken(id);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return record;
  }
  release(): void {
    for (const open of this.gates.splice(0)) open();
  }
}

let now: number;
let store: GatedStore;
let cache: TokenCache;
let lifecycle: TokenLifecycle;
const clock = () => now;
const tick = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  now = Date.UTC(2026, 0, 1);
  store = new GatedStore(clock);
  cache = createTokenCache({ maxStaleness: 1_000 }, clock);
  lifecycle = createTokenLifecycle(store, parseConfig({}), clock, cache);
});

describe('token lifecycle with a local cache', () => {
  it('serves concurrent misses for one token from a single store read, then from the cache', async () => {
    const { token } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'admin' });
    const results = Array.from({ length: 5 }, () => lifecycle.verify(token));
    await tick();
    store.release();
    expect((await Promise.all(results)).every((r) => r.ok)).toBe(true);
    expect(store.reads).toBe(1);
    expect((await lifecycle.verify(token)).ok).toBe(true);
    expect(store.reads).toBe(1);
  });

  it('does not let a request that starts after a revocation join a read that began before it', async () => {
    const { token, record } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'admin' });
    const early = lifecycle.verify(token);
    await tick();
    await lifecycle.revoke(record.id);
    const late = lifecycle.verify(token);
    await tick();
    store.release();
    await tick();
    store.release();
    expect((await late).ok).toBe(false);
    await early;
    // The early read raced the revocation: it must not have been cached.
    const again = lifecycle.verify(token);
    await tick();
    store.release();
    expect(await again).toEqual({ ok: false, reason: 'revoked' });
  });

  it('introspection reads the store, never the cache', async () => {
    const { token } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'admin' });
    const first = lifecycle.verify(token);
    await tick();
    store.release();
    await first;
    const inspected = lifecycle.inspect(token);
    await tick();
    store.release();
    expect((await inspected).ok).toBe(true);
    expect(store.reads).toBe(2);
  });
});
