/** Apps, tokens and clients for the benchmark, written straight into the store under a unique prefix. */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { parseConfig } from '../../src/config/load.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { RecordLayout } from '../../src/store/token-hash.js';
import { bootstrapAdminToken } from '../../src/tokens/admin-bootstrap.js';
import { createTokenLifecycle, type TokenLifecycle } from '../../src/tokens/lifecycle.js';
import { systemClock } from '../../src/types.js';

export const BENCH_APP = 'bench';
export const BENCH_SCOPE = 'bench.read';

export interface Provisioned {
  prefix: string;
  store: RedisStore;
  lifecycle: TokenLifecycle;
  hotToken: string;
  adminToken: string;
}

export function benchPrefix(): string {
  return `tgbench:${randomBytes(4).toString('hex')}:`;
}

/**
 * BENCH_RECORD_LAYOUT: the record layout tokens are written in (default: the config's), e.g. v1 to profile a
 * release older than v2 (BENCH_TOLLGATE_CLI), which cannot read later layouts.
 */
export async function provision(client: Redis, prefix: string): Promise<Provisioned> {
  const layout = (process.env.BENCH_RECORD_LAYOUT ?? parseConfig({}).store.recordLayout) as RecordLayout;
  const store = new RedisStore(client, prefix, { layout });
  const lifecycle = createTokenLifecycle(store, parseConfig({}), systemClock);
  await store.createApp({ id: BENCH_APP, name: 'Benchmark', scopes: [BENCH_SCOPE], origins: [], createdAt: Date.now() });
  const { token: hotToken } = await lifecycle.issue({ app: BENCH_APP, kind: 'api', name: 'hot', scopes: [BENCH_SCOPE], createdBy: 'bench' });
  const { token: adminToken } = await bootstrapAdminToken(store, lifecycle, systemClock, { name: 'bench-admin' });
  return { prefix, store, lifecycle, hotToken, adminToken };
}

/** `count` tokens issued with `concurrency` in flight; returns the raw secrets. */
export async function issueMany(lifecycle: TokenLifecycle, count: number, kind: 'api' | 'access', app: string, concurrency = 256): Promise<string[]> {
  const out: string[] = new Array(count);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      out[i] = (await lifecycle.issue({ app, kind, name: `t${i}`, scopes: [BENCH_SCOPE], createdBy: 'bench', ...(kind === 'access' ? { ttl: 3_600_000, clientId: 'bench' } : {}) })).token;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** Deletes every key under the prefix. */
export { deletePrefix as cleanup } from '../../test/helpers/redis.js';
