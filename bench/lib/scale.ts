/** Scale figures: Redis memory per api token and list pagination time with many tokens in one app, per record layout. */
import type { Redis } from 'ioredis';
import { parseConfig } from '../../src/config/load.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { RecordLayout } from '../../src/store/token-hash.js';
import { createTokenLifecycle } from '../../src/tokens/lifecycle.js';
import { systemClock } from '../../src/types.js';
import { issueMany, BENCH_SCOPE } from './provision.js';
import { median } from './stats.js';

export interface ScaleResult {
  layout: RecordLayout;
  /** The key prefix the tokens were written under: its length is in every token's key. */
  prefix: string;
  tokens: number;
  bytesPerToken: number;
  firstPageMs: number;
  medianPageMs: number;
  walkMs: number;
}

export async function measureScale(o: { client: Redis; prefix: string; layout: RecordLayout; tokens: number; usedMemory(): Promise<number> }): Promise<ScaleResult> {
  const store = new RedisStore(o.client, o.prefix, { layout: o.layout });
  const lifecycle = createTokenLifecycle(store, parseConfig({}), systemClock);
  const app = `scale-${o.layout}`;
  await store.createApp({ id: app, name: 'Scale', scopes: [BENCH_SCOPE], origins: [], createdAt: Date.now() });
  const before = await o.usedMemory();
  await issueMany(lifecycle, o.tokens, 'api', app);
  const bytesPerToken = ((await o.usedMemory()) - before) / o.tokens;

  const pageTimes: number[] = [];
  let cursor: string | undefined;
  do {
    const started = performance.now();
    const page = await lifecycle.list(app, cursor, 100);
    pageTimes.push(performance.now() - started);
    cursor = page.next;
  } while (cursor);

  const walkStarted = performance.now();
  cursor = undefined;
  let seen = 0;
  do {
    const page = await lifecycle.list(app, cursor, 500);
    seen += page.items.length;
    cursor = page.next;
  } while (cursor);
  const walkMs = performance.now() - walkStarted;
  if (seen !== o.tokens) throw new Error(`pagination saw ${seen} of ${o.tokens} tokens`);
  return { layout: o.layout, prefix: o.prefix, tokens: o.tokens, bytesPerToken, firstPageMs: pageTimes[0] ?? NaN, medianPageMs: median(pageTimes), walkMs };
}
