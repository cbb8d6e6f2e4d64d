import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { generateSecret, hashSecret, tokenIdFromHash } from '../../src/tokens/format.js';
import { createTokenLifecycle, type TokenLifecycle } from '../../src/tokens/lifecycle.js';
import type { TokenRecord } from '../../src/types.js';

const DAY = 86_400_000;

/** The real memory store, counting lookups so tests can prove when the store was not asked. */
class CountingStore extends MemoryStore {
  lookups = 0;
  touches = 0;
  override async getToken(id: string) {
    this.lookups++;
    return super.getToken(id);
  }
  override async touchToken(id: string, now: number) {
    this.touches++;
    return super.touchToken(id, now);
  }
}

let now: number;
let store: CountingStore;
let lifecycle: TokenLifecycle;
const clock = () => now;
const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(raw: Record<string, unknown> = {}) {
  now = Date.UTC(2026, 0, 1);
  store = new CountingStore(clock);
  lifecycle = createTokenLifecycle(store, parseConfig(raw), clock);
}

describe('token lifecycle', () => {
  beforeEach(() => setup());

  it('issues api tokens with a 30-day sliding lifetime and install tokens with a fixed long one', async () => {
    const api = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: ['s'], createdBy: 'admin' });
    expect(api.record).toMatchObject({ kind: 'api', sliding: true, ttl: 30 * DAY, expiresAt: now + 30 * DAY, subject: 'admin' });
    expect(api.token.startsWith('tg_a_')).toBe(true);
    const install = await lifecycle.issue({ app: 'a', kind: 'install', name: 'i', scopes: [], createdBy: 'admin' });
    expect(install.record).toMatchObject({ kind: 'install', sliding: false, expiresAt: now + 365 * DAY });
  });

  it('stores only the hash, never the token', async () => {
    const { token, record } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'x' });
    expect(JSON.stringify(await store.getToken(record.id))).not.toContain(token);
  });

  it('verifies an issued token and rejects a bad checksum without a store lookup', async () => {
    const { token } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'x' });
    expect((await lifecycle.verify(token)).ok).toBe(true);
    const before = store.lookups;
    const typo = token.slice(0, -3) + (token.at(-3) === 'a' ? 'b' : 'a') + token.slice(-2);
    expect(await lifecycle.verify(typo)).toEqual({ ok: false, reason: 'unknown' });
    expect(await lifecycle.verify('not-a-token')).toEqual({ ok: false, reason: 'unknown' });
    expect(store.lookups).toBe(before);
  });

  it('accepts a record without its whole digest (v3) by its id, and one with it only when all of it matches', async () => {
    const secret = generateSecret('api');
    const hash = hashSecret(secret);
    const tail = hash.at(-1) === 'A' ? 'B' : 'A';
    const cases: [string | undefined, boolean][] = [[undefined, true], [hash, true], [hash.slice(0, -1) + tail, false]];
    for (const [stored, ok] of cases) {
      setup();
      const record: TokenRecord = {
        id: tokenIdFromHash(hash), name: 'n', app: 'a', kind: 'api', scopes: [], subject: 'x', createdBy: 'x',
        createdAt: now, expiresAt: now + DAY, ttl: DAY, sliding: false, ...(stored === undefined ? {} : { hash: stored }),
      };
      await store.putToken(record);
      expect((await lifecycle.verify(secret)).ok).toBe(ok);
    }
  });

  it('refuses an API key or client secret used as a bearer token', async () => {
    const { generateSecret } = await import('../../src/tokens/format.js');
    expect((await lifecycle.verify(generateSecret('apiKey'))).ok).toBe(false);
    expect((await lifecycle.verify(generateSecret('clientSecret'))).ok).toBe(false);
  });

  it('slides expiry on use, at most once per touchInterval, never past maxLifetime', async () => {
    setup({ tokens: { ttl: '10d', touchInterval: '60s', maxLifetime: '15d' } });
    const { token, record } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'x' });
    now += DAY;
    await lifecycle.verify(token);
    await flush();
    expect((await store.getToken(record.id))?.expiresAt).toBe(now + 10 * DAY);
    const touches = store.touches;
    now += 30_000;
    await lifecycle.verify(token);
    await flush();
    expect(store.touches).toBe(touches);
    now += 31_000;
    await lifecycle.verify(token);
    await flush();
    expect(store.touches).toBe(touches + 1);
    expect((await store.getToken(record.id))?.lastUsedAt).toBe(now);
    now = record.createdAt + 8 * DAY;
    await lifecycle.verify(token);
    await flush();
    expect((await store.getToken(record.id))?.expiresAt).toBe(record.createdAt + 15 * DAY);
  });

  it('slides a 60 s token used at 0, 30 and 50 s with the default touchInterval: still valid at 70 and 105 s', async () => {
    const { token, record } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'x', ttl: 60_000 });
    for (const at of [0, 30_000, 50_000]) {
      now = record.createdAt + at;
      expect((await lifecycle.verify(token)).ok).toBe(true);
      await flush();
    }
    now = record.createdAt + 70_000;
    expect((await lifecycle.verify(token)).ok).toBe(true);
    await flush();
    now = record.createdAt + 125_000;
    expect((await lifecycle.verify(token)).ok).toBe(true);
  });

  it('backs off when touches fail: a hot token does not send one per request to a failing store', async () => {
    const { token } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'x' });
    store.touchToken = async () => {
      store.touches++;
      throw new Error('store timeout');
    };
    for (let i = 0; i < 50; i++) {
      now += 20;
      await lifecycle.verify(token);
      await flush();
    }
    expect(store.touches).toBe(1);
  });

  it('says expired after the lifetime passes unused, and does not slide it', async () => {
    const { token, record } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'x', ttl: 60_000 });
    now += 60_000;
    expect(await lifecycle.verify(token)).toEqual({ ok: false, reason: 'expired' });
    await flush();
    expect((await store.getToken(record.id))?.expiresAt).toBe(record.expiresAt);
  });

  it('says revoked after revocation and tells listeners once', async () => {
    const revoked: string[] = [];
    lifecycle.onRevoke((r) => revoked.push(r.id));
    const { token, record } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'x' });
    expect(await lifecycle.revoke(record.id)).not.toBeNull();
    expect(await lifecycle.revoke(record.id)).toBeNull();
    expect(await lifecycle.verify(token)).toEqual({ ok: false, reason: 'revoked' });
    expect(revoked).toEqual([record.id]);
  });

  it('inspect does not record a use', async () => {
    const { token, record } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'x' });
    now += DAY;
    expect((await lifecycle.inspect(token)).ok).toBe(true);
    await flush();
    expect((await store.getToken(record.id))?.lastUsedAt).toBeUndefined();
  });

  it('revokes every token of an app across pages', async () => {
    for (let i = 0; i < 7; i++) await lifecycle.issue({ app: 'gone', kind: 'api', name: `t${i}`, scopes: [], createdBy: 'x' });
    const keep = await lifecycle.issue({ app: 'kept', kind: 'api', name: 'k', scopes: [], createdBy: 'x' });
    expect(await lifecycle.revokeApp('gone')).toBe(7);
    expect((await lifecycle.list('gone', undefined, 10)).items).toEqual([]);
    expect((await lifecycle.verify(keep.token)).ok).toBe(true);
  });

  it('adopts an operator-provided secret of the right kind only', async () => {
    const { generateSecret } = await import('../../src/tokens/format.js');
    const secret = generateSecret('api');
    const { token } = await lifecycle.issue({ app: 'a', kind: 'api', name: 'n', scopes: [], createdBy: 'x', secret });
    expect(token).toBe(secret);
    expect((await lifecycle.verify(secret)).ok).toBe(true);
    await expect(lifecycle.issue({ app: 'a', kind: 'api', name: 'm', scopes: [], createdBy: 'x', secret: generateSecret('install') })).rejects.toMatchObject({ status: 400 });
  });
});

describe('bootstrap token adoption', () => {
  beforeEach(() => setup());

  it('adopts an operator-provided admin token once, and never brings back a revoked one', async () => {
    const { bootstrapAdminToken } = await import('../../src/tokens/admin-bootstrap.js');
    const { generateSecret } = await import('../../src/tokens/format.js');
    const secret = generateSecret('api');
    const first = await bootstrapAdminToken(store, lifecycle, clock, { secret });
    expect(first.created).toBe(true);
    expect((await bootstrapAdminToken(store, lifecycle, clock, { secret })).created).toBe(false);
    await lifecycle.revoke(first.record.id);
    await expect(bootstrapAdminToken(store, lifecycle, clock, { secret })).rejects.toMatchObject({ status: 409 });
    expect(await lifecycle.verify(secret)).toEqual({ ok: false, reason: 'revoked' });
  });
});
