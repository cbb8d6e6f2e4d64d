/** The store contract on a real Sentinel setup (master, replica, one sentinel), then a failover under it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { createStore } from '../../src/store/create-store.js';
import type { TokenStore } from '../../src/store/token-store.js';
import { systemClock } from '../../src/types.js';
import { startRedisServer, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { uniquePrefix } from '../helpers/redis.js';
import { describeStoreContract, makeRecord } from './contract.js';

const NAME = 'tgmaster';
let master: RedisServer;
let replica: RedisServer;
let sentinel: RedisServer;

beforeAll(async () => {
  master = await startRedisServer();
  replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  await waitUntil('replica in sync', () => replica.cli('info', 'replication').includes('master_link_status:up'));
  sentinel = await startRedisServer({ sentinelOf: { port: master.port, name: NAME } });
  await waitUntil('sentinel sees the replica', () => sentinel.cli('sentinel', 'replicas', NAME).includes(String(replica.port)));
}, 60_000);

afterAll(async () => {
  await Promise.all([sentinel, replica, master].map((s) => s?.dispose()));
});

const sentinelConfig = () => parseConfig({ store: { redis: { sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: NAME }, keyPrefix: uniquePrefix('sentinel') } });

describeStoreContract('redis sentinel', async () => {
  const store = createStore(sentinelConfig(), systemClock);
  return { store, cleanup: () => store.close() };
});

describe('Sentinel failover', () => {
  let store: TokenStore;
  afterAll(async () => {
    await store?.close();
  });

  it('keeps serving reads and writes from the promoted replica', async () => {
    store = createStore(sentinelConfig(), systemClock);
    expect(await store.ready(5_000)).toBe(true);
    const before = makeRecord();
    await store.putToken(before);
    // Revocations and creates are acknowledged by the master; WAIT makes this one durable on the replica too.
    expect(master.cli('wait', '1', '2000').trim()).toBe('1');

    expect(sentinel.cli('sentinel', 'failover', NAME).trim()).toBe('OK');
    await waitUntil('replica promoted', () => sentinel.cli('sentinel', 'get-master-addr-by-name', NAME).includes(String(replica.port)));

    // The client follows +switch-master itself: writes reach the promoted replica well before the old
    // master is demoted (~10 s later), when a client that only reacted to READONLY would move.
    const key = (id: string) => `${(store as unknown as { prefix: string }).prefix}t:{${id}}`;
    let after = makeRecord();
    await expect
      .poll(async () => {
        after = makeRecord();
        const written = await store.putToken(after).then(() => true, () => false);
        return written && replica.cli('exists', key(after.id)).trim() === '1';
      }, { timeout: 5_000, interval: 100 })
      .toBe(true);
    expect((await store.getToken(before.id))?.id).toBe(before.id);
    expect((await store.getToken(after.id))?.id).toBe(after.id);
  });
});
