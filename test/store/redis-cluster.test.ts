/** The store contract, a gateway and rate limits on a real 3-master Redis Cluster started for this file. */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { createRedisStore, createStore } from '../../src/store/create-store.js';
import { upgradeTokenRecords } from '../../src/store/upgrade-token-records.js';
import { systemClock } from '../../src/types.js';
import { startTestGateway } from '../helpers/gateway.js';
import { freePort, startRedisServer, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { uniquePrefix } from '../helpers/redis.js';
import { startUpstream } from '../helpers/upstream.js';
import { describeStoreContract, makeRecord, withoutDigest } from './contract.js';
import { writeV1Token } from './fixtures/v1-layout.js';

const nodes: RedisServer[] = [];

/** A free port whose cluster bus port (+10000) is valid and free too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535) continue;
    const bus = await freePort();
    if (bus !== port + 10_000) return port;
  }
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    nodes.push(await startRedisServer({ port: await clusterPort(), args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'] }));
  }
  const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  expect(create.status, create.stdout + create.stderr).toBe(0);
  await waitUntil('cluster_state:ok', () => nodes.every((n) => n.cli('cluster', 'info').includes('cluster_state:ok')));
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.dispose()));
});

const clusterStore = (keyPrefix: string) => ({ redis: { cluster: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) }, keyPrefix, timeout: '2s' });

describeStoreContract('redis cluster', async () => {
  const store = createStore(parseConfig({ store: clusterStore(uniquePrefix('cluster')) }), systemClock);
  return { store, cleanup: () => store.close() };
});

describeStoreContract('redis cluster, layout v3', async () => {
  const store = createStore(parseConfig({ store: { ...clusterStore(uniquePrefix('cluster-v3')), recordLayout: 'v3' } }), systemClock);
  return { store, readBack: withoutDigest, cleanup: () => store.close() };
});

describe('upgrading v1 token records on Redis Cluster', () => {
  it('rewrites the records held by every master', async () => {
    const store = createRedisStore(parseConfig({ store: clusterStore(uniquePrefix('cluster-upgrade')) }));
    try {
      expect(await store.ready(5_000)).toBe(true);
      const records = Array.from({ length: 60 }, (_, i) => makeRecord({ name: `t${i}` }));
      for (const r of records) await writeV1Token(store.client, store.prefix, r);
      expect(await upgradeTokenRecords(store, 'v2')).toBe(records.length);
      for (const r of records) {
        expect(await store.client.hexists(store.tokenKey(r.id), 'h')).toBe(0);
        expect(await store.getToken(r.id)).toEqual(r);
      }
    } finally {
      await store.close();
    }
  });
});

describe('a gateway on Redis Cluster', () => {
  it('authenticates, rate-limits across slots and revokes', async () => {
    const upstream = await startUpstream();
    const gw = await startTestGateway({
      store: clusterStore(uniquePrefix('cluster-gw')),
      routes: [{ name: 'api', match: { path: '/api/*' }, upstream: upstream.url, app: 'shop', rateLimit: { perToken: '3/m' } }],
    });
    try {
      expect((await gw.admin('POST', '/apps', { id: 'shop', name: 'Shop', scopes: [] })).status).toBe(201);
      const created = (await gw.admin('POST', '/apps/shop/tokens', { name: 'svc', scopes: [] })).body;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${gw.url}/api/x`, { headers: { authorization: `Bearer ${created.token}` } })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const metrics = await (await fetch(`${gw.metricsUrl}/metrics`)).text();
      expect(metrics).not.toMatch(/^tollgate_store_errors_total\{op="rateLimit"\}/m);
      expect((await gw.admin('DELETE', `/apps/shop/tokens/${created.id}`)).status).toBe(204);
      await expect.poll(async () => (await fetch(`${gw.url}/api/x`, { headers: { authorization: `Bearer ${created.token}` } })).status, { timeout: 3_000 }).toBe(401);
    } finally {
      await gw.gateway.stop();
      await upstream.close();
    }
  });
});
