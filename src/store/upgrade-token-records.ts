/**
 * Rewrites token records written in an older layout (token-hash.ts) in the one configured, v2 or v3,
 * in place, at start. Safe with any number of replicas doing it at once: each record is rewritten by
 * one Lua script that checks its layout first, and readers accept every layout, so a record is valid
 * before, during and after. A marker key says a full pass into a layout is done, so later starts skip the scan.
 */
import { Cluster, type Redis } from 'ioredis';
import type { RedisStore } from './redis-store.js';
import { LuaScript } from './redis-scripts.js';

/**
 * KEYS[1] token hash. ARGV: the part of the digest the id spells, the target layout (2 or 3). 1 when
 * rewritten; 0 when there is nothing to do (the target or a newer layout already, a revocation ahead
 * of its write, gone) or the record is not one this release understands (left as it is).
 */
const REWRITE = new LuaScript(`
local f = redis.call('HMGET', KEYS[1], 'h', 'k', 'u', 'cb', 'sl', 's', 'd')
if f[7] then
  if ARGV[2] ~= '3' then return 0 end
  redis.call('HDEL', KEYS[1], 'd')
  return 1
end
if not f[1] or string.sub(f[1], 1, #ARGV[1]) ~= ARGV[1] then return 0 end
local letter = ({ api = 'a', install = 'i', access = 'o' })[f[2]]
if not letter then return 0 end
redis.call('HSET', KEYS[1], 'k', letter, 'b', f[4] or '')
if ARGV[2] == '2' then redis.call('HSET', KEYS[1], 'd', string.sub(f[1], #ARGV[1] + 1)) end
redis.call('HDEL', KEYS[1], 'h', 'cb')
if f[3] == f[4] then redis.call('HDEL', KEYS[1], 'u') end
if f[5] ~= '1' then redis.call('HDEL', KEYS[1], 'sl') end
if f[6] == '' then redis.call('HDEL', KEYS[1], 's') end
return 1
`);

const SCAN_COUNT = 500;

/**
 * Rewrites every record of an older layout under the store's prefix into `target`; resolves with how
 * many it rewrote. Stops early when `signal` aborts.
 */
export async function upgradeTokenRecords(store: RedisStore, target: 'v2' | 'v3', signal?: AbortSignal): Promise<number> {
  const marker = `${store.prefix}layout`;
  const layout = target.slice(1);
  // A pass into v3 leaves nothing a pass into v2 would rewrite.
  if (Number(await store.client.get(marker)) >= Number(layout)) return 0;
  const head = store.tokenKey('');
  const pattern = `${head.slice(0, -1).replace(/[*?[\]\\]/g, '\\$&')}tok_*}`;
  const nodes: Redis[] = store.client instanceof Cluster ? store.client.nodes('master') : [store.client];
  let rewritten = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      if (signal?.aborted) return rewritten;
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      const done = await Promise.all(keys.map((key) => REWRITE.run(store.client, [key], [key.slice(head.length - 1 + 'tok_'.length, -1), layout])));
      rewritten += done.filter((n) => n === 1).length;
      cursor = next;
    } while (cursor !== '0');
  }
  await store.client.set(marker, layout);
  return rewritten;
}
