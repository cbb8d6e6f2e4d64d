/** Scale figures: Redis memory per api token and list pagination time with many tokens in one app. */
import type { Redis } from 'ioredis';
import type { RedisStore } from '../../src/store/redis-store.js';
import type { TokenLifecycle } from '../../src/tokens/lifecycle.js';
import { issueMany, BENCH_SCOPE } from './provision.js';
import { median } from './stats.js';

export interface ScaleResult {
  tokens: number;
  bytesPerToken: number;
  firstPageMs: number;
  medianPageMs: number;
  walkMs: number;
}

const SCALE_APP = 'scale';

export async function measureScale(o: { client: Redis; lifecycle: TokenLifecycle; store: RedisStore; tokens: number; usedMemory(): Promise<number> }): Promise<ScaleResult> {
  await o.store.createApp({ id: SCALE_APP, name: 'Scale', scopes: [BENCH_SCOPE], origins: [], createdAt: Date.now() });
  const before = await o.usedMemory();
  await issueMany(o.lifecycle, o.tokens, 'api', SCALE_APP);
  const bytesPerToken = ((await o.usedMemory()) - before) / o.tokens;

  const pageTimes: number[] = [];
  let cursor: string | undefined;
  do {
    const started = performance.now();
    const page = await o.lifecycle.list(SCALE_APP, cursor, 100);
    pageTimes.push(performance.now() - started);
    cursor = page.next;
  } while (cursor);

  const walkStarted = performance.now();
  cursor = undefined;
  let seen = 0;
  do {
    const page = await o.lifecycle.list(SCALE_APP, cursor, 500);
    seen += page.items.length;
    cursor = page.next;
  } while (cursor);
  const walkMs = performance.now() - walkStarted;
  if (seen !== o.tokens) throw new Error(`pagination saw ${seen} of ${o.tokens} tokens`);
  return { tokens: o.tokens, bytesPerToken, firstPageMs: pageTimes[0] ?? NaN, medianPageMs: median(pageTimes), walkMs };
}
