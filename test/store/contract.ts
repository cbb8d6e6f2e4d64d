/** The TokenStore contract: every implementation runs this same suite (memory, Redis, Sentinel, Cluster). */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/errors.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { generateSecret, hashSecret, tokenIdFromHash } from '../../src/tokens/format.js';
import type { AppRecord, TokenRecord } from '../../src/types.js';

export interface StoreUnderTest {
  store: TokenStore;
  cleanup(): Promise<void>;
  /** What the store gives back for a record it was given (Redis v3 keeps only the digest the id spells). */
  readBack?: (record: TokenRecord) => TokenRecord;
}

/** What a v3 record reads back as: everything but the digest. */
export function withoutDigest({ hash: _, ...rest }: TokenRecord): TokenRecord {
  return rest;
}

const DAY = 86_400_000;

/** A fresh token record with a unique id; the raw secret is thrown away as the store never sees it. */
export function makeRecord(overrides: Partial<TokenRecord> = {}): TokenRecord {
  const hash = hashSecret(generateSecret('api'));
  const now = Date.now();
  return {
    id: tokenIdFromHash(hash), hash, name: `t-${randomBytes(4).toString('hex')}`, app: 'app1', kind: 'api',
    scopes: ['read'], subject: 'alice', createdBy: 'admin', createdAt: now, expiresAt: now + 30 * DAY,
    ttl: 30 * DAY, sliding: true, ...overrides,
  };
}

function makeApp(id: string): AppRecord {
  return { id, name: `App ${id}`, scopes: ['read', 'write'], origins: [], createdAt: Date.now() };
}

export function describeStoreContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`TokenStore contract: ${name}`, () => {
    let sut: StoreUnderTest;
    let store: TokenStore;
    let readBack: (record: TokenRecord) => TokenRecord;
    const appId = () => `app-${randomBytes(3).toString('hex')}`;

    beforeAll(async () => {
      sut = await make();
      store = sut.store;
      readBack = sut.readBack ?? ((r) => r);
      expect(await store.ready(5_000)).toBe(true);
    });
    afterAll(async () => {
      await sut.cleanup();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('creates, reads, lists, updates and deletes apps; a duplicate id conflicts', async () => {
      const id = appId();
      await store.createApp(makeApp(id));
      await expect(store.createApp(makeApp(id))).rejects.toMatchObject({ id: 'ERR_TG_CONFLICT', status: 409 });
      expect((await store.getApp(id))?.name).toBe(`App ${id}`);
      expect((await store.listApps()).map((a) => a.id)).toContain(id);
      expect(await store.updateApp({ ...makeApp(id), name: 'renamed' })).toBe(true);
      expect((await store.getApp(id))?.name).toBe('renamed');
      expect(await store.updateApp(makeApp(appId()))).toBe(false);
      expect(await store.deleteApp(id)).toBe(true);
      expect(await store.getApp(id)).toBeNull();
      expect(await store.deleteApp(id)).toBe(false);
      expect((await store.listApps()).map((a) => a.id)).not.toContain(id);
    });

    it('stores a token and returns it by id, every field intact', async () => {
      const record = makeRecord({ app: appId(), clientId: 'c1', expiresCap: Date.now() + 90 * DAY, scopes: ['a', 'b.c'] });
      await store.putToken(record);
      expect(await store.getToken(record.id)).toEqual(readBack(record));
      expect(await store.getToken('tok_doesnotexist')).toBeNull();
    });

    it('keeps tokens that never expire', async () => {
      const record = makeRecord({ app: appId(), kind: 'install', expiresAt: null, sliding: false, ttl: 0, scopes: [] });
      await store.putToken(record);
      expect(await store.getToken(record.id)).toEqual(readBack(record));
    });

    it('refuses a second live token with the same name in one app, and frees the name on revoke', async () => {
      const app = appId();
      const first = makeRecord({ app, name: 'deploy-bot' });
      await store.putToken(first);
      await expect(store.putToken(makeRecord({ app, name: 'deploy-bot' }))).rejects.toBeInstanceOf(ConflictError);
      await store.putToken(makeRecord({ app: appId(), name: 'deploy-bot' }));
      await store.revokeToken(first.id, Date.now());
      await store.putToken(makeRecord({ app, name: 'deploy-bot' }));
    });

    it('frees the name of an expired token', async () => {
      const app = appId();
      await store.putToken(makeRecord({ app, name: 'old', expiresAt: Date.now() - 1_000 }));
      await expect(store.putToken(makeRecord({ app, name: 'old' }))).resolves.toBeUndefined();
    });

    it('revokes atomically once: the record stays as a tombstone, a second revoke is a no-op', async () => {
      const record = makeRecord({ app: appId() });
      await store.putToken(record);
      const at = Date.now();
      expect(await store.revokeToken(record.id, at)).toEqual(readBack(record));
      expect((await store.getToken(record.id))?.revokedAt).toBe(at);
      expect(await store.revokeToken(record.id, at + 1)).toBeNull();
      expect(await store.revokeToken('tok_unknown', at)).toBeNull();
    });

    it('revokes ahead: a record written after its id was revoked is born revoked', async () => {
      const record = makeRecord({ app: appId() });
      const at = Date.now();
      expect(await store.revokeToken(record.id, at)).toBeNull();
      await store.putToken(record);
      expect((await store.getToken(record.id))?.revokedAt).toBe(at);
    });

    it('closes an app: lists every token id of it, refuses new ones until the app is created again', async () => {
      const id = appId();
      await store.createApp(makeApp(id));
      const before = makeRecord({ app: id });
      const access = makeRecord({ app: id, kind: 'access', sliding: false });
      await store.putToken(before);
      await store.putToken(access);
      expect((await store.closeApp(id)).sort()).toEqual([before.id, access.id].sort());
      await expect(store.putToken(makeRecord({ app: id }))).rejects.toMatchObject({ id: 'ERR_TG_NOT_FOUND', status: 404 });
      await expect(store.putToken(makeRecord({ app: id, kind: 'access', sliding: false }))).rejects.toBeInstanceOf(NotFoundError);
      await store.deleteApp(id);
      await store.createApp(makeApp(id));
      await expect(store.putToken(makeRecord({ app: id }))).resolves.toBeUndefined();
    });

    it('slides expiry on touch, capped by expiresCap, and records lastUsedAt', async () => {
      const now = Date.now();
      const record = makeRecord({ app: appId(), ttl: 10 * DAY, expiresAt: now + DAY, expiresCap: now + 5 * DAY });
      await store.putToken(record);
      expect(await store.touchToken(record.id, now + 1_000)).toBe(true);
      const touched = await store.getToken(record.id);
      expect(touched?.lastUsedAt).toBe(now + 1_000);
      expect(touched?.expiresAt).toBe(now + 5 * DAY);
    });

    it('never moves expiry backwards and does not slide non-sliding tokens', async () => {
      const now = Date.now();
      const fixed = makeRecord({ app: appId(), sliding: false, ttl: 10 * DAY, expiresAt: now + DAY });
      await store.putToken(fixed);
      expect(await store.touchToken(fixed.id, now)).toBe(true);
      expect((await store.getToken(fixed.id))?.expiresAt).toBe(now + DAY);
      const sliding = makeRecord({ app: appId(), ttl: DAY, expiresAt: now + 2 * DAY });
      await store.putToken(sliding);
      await store.touchToken(sliding.id, now);
      expect((await store.getToken(sliding.id))?.expiresAt).toBe(now + 2 * DAY);
    });

    it('never resurrects: touching a revoked, expired or missing token changes nothing', async () => {
      const now = Date.now();
      const revoked = makeRecord({ app: appId() });
      await store.putToken(revoked);
      await store.revokeToken(revoked.id, now);
      expect(await store.touchToken(revoked.id, now + 1)).toBe(false);
      const after = await store.getToken(revoked.id);
      expect(after?.revokedAt).toBe(now);
      expect(after?.lastUsedAt).toBeUndefined();
      const expired = makeRecord({ app: appId(), expiresAt: now - 1 });
      await store.putToken(expired);
      expect(await store.touchToken(expired.id, now)).toBe(false);
      expect((await store.getToken(expired.id))?.expiresAt).toBe(now - 1);
      expect(await store.touchToken('tok_missing', now)).toBe(false);
    });

    it('a revoke racing many touches always ends revoked', async () => {
      const record = makeRecord({ app: appId() });
      await store.putToken(record);
      const now = Date.now();
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => store.touchToken(record.id, now + i)),
        store.revokeToken(record.id, now),
        ...Array.from({ length: 20 }, (_, i) => store.touchToken(record.id, now + 20 + i)),
      ]);
      expect((await store.getToken(record.id))?.revokedAt).toBe(now);
    });

    it('lists live tokens of one app oldest first with cursor pagination, never revoked ones', async () => {
      const app = appId();
      const base = Date.now();
      const records = Array.from({ length: 7 }, (_, i) => makeRecord({ app, createdAt: base + Math.floor(i / 2) }));
      for (const r of records) await store.putToken(r);
      await store.putToken(makeRecord({ app: appId() }));
      await store.revokeToken(records[3]!.id, base);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listTokens(app, cursor === undefined ? { limit: 2 } : { cursor, limit: 2 });
        seen.push(...page.items.map((t) => t.id));
        for (const item of page.items) expect(item.app).toBe(app);
        cursor = page.next;
        pages++;
      } while (cursor && pages < 10);
      const expected = records.filter((_, i) => i !== 3).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map((r) => r.id);
      expect(seen).toEqual(expected);
    });

    it('rejects a cursor it did not make', async () => {
      await expect(store.listTokens('app1', { cursor: 'bogus!', limit: 5 })).rejects.toMatchObject({ id: 'ERR_TG_VALIDATION_FAILED', issues: [expect.stringMatching(/^cursor:/)] });
    });
  });
}
