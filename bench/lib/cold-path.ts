/** The cold path: every request carries a token this gateway has never seen (cache miss, store read, touch). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenLifecycle } from '../../src/tokens/lifecycle.js';
import { runLoad } from './load.js';
import { BENCH_APP, issueMany } from './provision.js';
import type { BenchRedis } from './redis.js';

export interface ColdResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  redisPerReq: number;
  tripsPerReq: number;
  errors: number;
  /** More requests than tokens: the tail of the run reused tokens. */
  wrapped: boolean;
}

export async function runColdPath(o: { lifecycle: TokenLifecycle; url: string; tokens: number; connections: number; seconds: number; redis: BenchRedis }): Promise<ColdResult> {
  const tokens = await issueMany(o.lifecycle, o.tokens, 'access', BENCH_APP);
  const file = join(mkdtempSync(join(tmpdir(), 'tollgate-bench-cold-')), 'tokens.txt');
  writeFileSync(file, `${tokens.join('\n')}\n`);
  const before = await o.redis.commands();
  const tripsBefore = o.redis.roundTrips();
  const result = await runLoad({ url: o.url, connections: o.connections, seconds: o.seconds, rotate: { file, header: 'Authorization', template: 'Bearer {}' } });
  const trips = o.redis.roundTrips() - tripsBefore;
  const commands = (await o.redis.commands()) - before;
  return { requests: result.requests, rps: result.rps, p50: result.p50ms, p99: result.p99ms, redisPerReq: commands / Math.max(1, result.requests), tripsPerReq: trips / Math.max(1, result.requests), errors: result.errors, wrapped: result.requests > tokens.length };
}
