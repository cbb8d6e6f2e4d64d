/** Counting in Redis, shared by every replica: one atomic script per hit, one key per window. */
import type { Counter } from './counter.js';
import type { RedisClient } from './redis-connection.js';
import { LuaScript } from './redis-scripts.js';

/** KEYS[1] the counter. ARGV: window ms. Returns {count, ms left in the window}. */
const INCREMENT = new LuaScript(`
local count = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  left = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], left)
end
return {count, left}
`);

/** Keys are `<prefix>rl:<key>`; callers hash-tag their keys so Redis Cluster keeps each in one slot. */
export function createRedisCounter(client: RedisClient, prefix: string): Counter {
  return {
    shared: true,
    async increment(key, windowMs) {
      const [count, left] = (await INCREMENT.run(client, [`${prefix}rl:${key}`], [windowMs])) as [number, number];
      return { count, resetAt: Date.now() + left };
    },
  };
}
