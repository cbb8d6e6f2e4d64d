import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors.js';
import { createAppCache } from '../../src/oauth/app-cache.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { AppRecord } from '../../src/types.js';

const MAX_AGE = 1_000;

function setup() {
  let now = 1_000_000;
  const clock = () => now;
  const store = new MemoryStore(clock);
  let reads = 0;
  let failing = false;
  const getApp = store.getApp.bind(store);
  store.getApp = (id: string) => {
    reads++;
    return failing ? Promise.reject(new StoreUnavailableError()) : getApp(id);
  };
  const app: AppRecord = { id: 'app1', name: 'one', scopes: ['read', 'write'], origins: [], createdAt: now };
  return {
    store, app, cache: createAppCache(store, MAX_AGE, clock),
    reads: () => reads,
    advance: (ms: number) => void (now += ms),
    fail: (value: boolean) => void (failing = value),
  };
}

describe('app cache of the token endpoint', () => {
  it('reads an app once per staleness window, concurrent grants sharing the read', async () => {
    const t = setup();
    await t.store.createApp(t.app);
    const apps = await Promise.all([t.cache.get('app1'), t.cache.get('app1'), t.cache.get('app1')]);
    expect(apps.map((a) => a?.scopes)).toEqual([['read', 'write'], ['read', 'write'], ['read', 'write']]);
    t.advance(MAX_AGE - 1);
    await t.cache.get('app1');
    expect(t.reads()).toBe(1);
  });

  it('sees a narrowed app once the staleness window has passed', async () => {
    const t = setup();
    await t.store.createApp(t.app);
    await t.cache.get('app1');
    await t.store.updateApp({ ...t.app, scopes: ['read'] });
    t.advance(MAX_AGE);
    expect((await t.cache.get('app1'))?.scopes).toEqual(['read']);
  });

  it('keeps neither a missing app nor a failed read', async () => {
    const t = setup();
    expect(await t.cache.get('app1')).toBeNull();
    await t.store.createApp(t.app);
    expect((await t.cache.get('app1'))?.id).toBe('app1');
    t.advance(MAX_AGE);
    t.fail(true);
    await expect(t.cache.get('app1')).rejects.toBeInstanceOf(StoreUnavailableError);
    t.fail(false);
    expect((await t.cache.get('app1'))?.id).toBe('app1');
    expect(t.reads()).toBe(4);
  });
});
