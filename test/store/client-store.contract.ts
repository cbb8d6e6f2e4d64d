/** The ClientStore contract: memory and Redis run this same suite. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors.js';
import type { ApiKeyRecord, ClientRecord, ClientStore } from '../../src/store/client-store.js';

export interface ClientStoreUnderTest {
  store: ClientStore;
  cleanup(): Promise<void>;
}

const uid = (p: string) => `${p}_${randomBytes(6).toString('hex')}`;

export function makeClient(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    id: uid('cl'), app: 'app1', name: 'client', type: 'service', role: 'reader', auth: 'client_secret', secretHash: 'h',
    scopes: ['read'], tokenTtl: 3_600_000, maxActiveTokens: 10, assertionMaxLifetime: 600_000, onTokenCap: 'reject',
    createdBy: 'admin', createdAt: Date.now(), ...overrides,
  };
}

function makeKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return { id: uid('key'), app: 'app1', name: 'key', hash: 'h', scopes: [], tokenTtl: 14_400_000, createdBy: 'admin', createdAt: Date.now(), ...overrides };
}

export function describeClientStoreContract(label: string, make: () => Promise<ClientStoreUnderTest>): void {
  describe(`ClientStore contract: ${label}`, () => {
    let sut: ClientStoreUnderTest;
    let store: ClientStore;
    beforeAll(async () => {
      sut = await make();
      store = sut.store;
    });
    afterAll(async () => sut.cleanup());

    it('creates, reads, lists per app, updates and deletes clients', async () => {
      const app = uid('app');
      const a = makeClient({ app, createdAt: 1 });
      const b = makeClient({ app, createdAt: 2, type: 'personal', owner: 'alice', role: undefined });
      await store.createClient(b);
      await store.createClient(a);
      await store.createClient(makeClient({ app: uid('other') }));
      await expect(store.createClient(a)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getClient(a.id)).toEqual(a);
      expect((await store.listClients(app)).map((c) => c.id)).toEqual([a.id, b.id]);
      expect(await store.updateClient({ ...a, secretHash: 'rotated' })).toBe(true);
      expect((await store.getClient(a.id))?.secretHash).toBe('rotated');
      expect(await store.updateClient(makeClient())).toBe(false);
      expect((await store.deleteClient(a.id))?.id).toBe(a.id);
      expect(await store.deleteClient(a.id)).toBeNull();
      expect(await store.getClient(a.id)).toBeNull();
      expect((await store.listClients(app)).map((c) => c.id)).toEqual([b.id]);
    });

    it('creates, reads, lists and deletes API keys', async () => {
      const app = uid('app');
      const k = makeKey({ app });
      await store.createApiKey(k);
      await expect(store.createApiKey(k)).rejects.toMatchObject({ id: 'ERR_TG_CONFLICT' });
      expect(await store.getApiKey(k.id)).toEqual(k);
      expect((await store.listApiKeys(app)).map((x) => x.id)).toEqual([k.id]);
      expect((await store.deleteApiKey(k.id))?.id).toBe(k.id);
      expect(await store.getApiKey(k.id)).toBeNull();
      expect(await store.listApiKeys(app)).toEqual([]);
    });

    it('lets exactly one of many concurrent claims of a jti win, per client', async () => {
      const client = uid('cl');
      const until = Date.now() + 60_000;
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claimJti(client, 'j1', until)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.claimJti(client, 'j1', until)).toBe(false);
      expect(await store.claimJti(uid('cl'), 'j1', until)).toBe(true);
    });

    it('frees a jti once its hold has passed', async () => {
      const client = uid('cl');
      expect(await store.claimJti(client, 'short', Date.now() + 30)).toBe(true);
      await expect.poll(() => store.claimJti(client, 'short', Date.now() + 60_000), { interval: 20, timeout: 2_000 }).toBe(true);
    });

    it('admits tokens up to the cap, atomically under concurrency, and frees slots on release and expiry', async () => {
      const holder = uid('cl');
      const now = Date.now();
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.admitToken(holder, `t${i}`, now + 60_000, 5, now, false)));
      expect(results.filter((r) => r.admitted)).toHaveLength(5);
      expect(await store.activeTokens(holder, now)).toHaveLength(5);
      const held = await store.activeTokens(holder, now);
      await store.releaseToken(holder, held[0]!);
      expect((await store.admitToken(holder, 'again', now + 60_000, 5, now, false)).admitted).toBe(true);
      expect((await store.admitToken(holder, 'over', now + 60_000, 5, now, false)).admitted).toBe(false);
      // Later, every one of them has expired: the slots are free again.
      const later = now + 60_001;
      expect(await store.activeTokens(holder, later)).toEqual([]);
      expect((await store.admitToken(holder, 'fresh', later + 60_000, 5, later, false)).admitted).toBe(true);
    });

    it('closes a holder: returns every token it holds and refuses every later admission', async () => {
      const holder = uid('cl');
      const now = Date.now();
      await store.admitToken(holder, 'a', now + 60_000, 5, now, false);
      await store.admitToken(holder, 'b', now + 60_000, 5, now, false);
      expect((await store.closeHolder(holder)).sort()).toEqual(['a', 'b']);
      expect(await store.admitToken(holder, 'c', now + 60_000, 5, now, false)).toEqual({ admitted: false, closed: true });
      await store.forgetHolder(holder);
      expect(await store.admitToken(holder, 'd', now + 60_000, 5, now, true)).toEqual({ admitted: false, closed: true });
      expect((await store.admitToken(uid('cl'), 'e', now + 60_000, 5, now, false)).admitted).toBe(true);
    });

    it('evicts the oldest token when asked to, and reports it', async () => {
      const holder = uid('cl');
      const now = Date.now();
      await store.admitToken(holder, 'old', now + 10_000, 2, now, true);
      await store.admitToken(holder, 'mid', now + 20_000, 2, now, true);
      const result = await store.admitToken(holder, 'new', now + 30_000, 2, now, true);
      expect(result).toEqual({ admitted: true, evicted: ['old'] });
      expect((await store.activeTokens(holder, now)).sort()).toEqual(['mid', 'new']);
      await store.forgetHolder(holder);
      expect(await store.activeTokens(holder, now)).toEqual([]);
    });
  });
}
