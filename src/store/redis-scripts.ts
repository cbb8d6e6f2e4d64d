/**
 * Lua scripts: each read-modify-write on a token is one atomic round trip. Every script touches
 * only its KEYS, and each call passes keys of a single hash slot, so Redis Cluster accepts it.
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

export class LuaScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis | Cluster, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * KEYS[1] token hash. ARGV: revokedAt, tombstone ms. Returns the live record's fields, or nil.
 * A record not written yet (its issuance still in flight) gets the revocation ahead of it: the
 * write keeps `rv`, so the token is born revoked.
 */
export const REVOKE = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'rv', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return nil
end
if redis.call('HEXISTS', KEYS[1], 'rv') == 1 then return nil end
local fields = redis.call('HGETALL', KEYS[1])
redis.call('HSET', KEYS[1], 'rv', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return fields
`);

/**
 * KEYS[1] token hash. ARGV: expire-at (epoch ms, '' for never), then field, value pairs. One
 * command for the record and its expiry; fields written ahead by REVOKE (`rv`) are kept.
 */
export const PUT = new LuaScript(`
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
if ARGV[1] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end
return 1
`);

/**
 * KEYS[1] token hash. ARGV: now, tombstone ms. Sets lastUsedAt and slides expiresAt forward,
 * capped; a missing, revoked or expired token is left alone, so a touch racing a revoke
 * can never bring the token back.
 */
export const TOUCH = new LuaScript(`
local r = redis.call('HMGET', KEYS[1], 'c', 'rv', 'ex', 't', 'sl', 'cap')
if not r[1] or r[2] then return 0 end
local now = tonumber(ARGV[1])
if r[3] then
  local ex = tonumber(r[3])
  if ex <= now then return 0 end
  if r[5] == '1' then
    local slid = now + tonumber(r[4])
    if r[6] then slid = math.min(slid, tonumber(r[6])) end
    if slid > ex then
      redis.call('HSET', KEYS[1], 'ex', slid)
      redis.call('PEXPIREAT', KEYS[1], slid + tonumber(ARGV[2]))
    end
  end
end
redis.call('HSET', KEYS[1], 'lu', now)
return 1
`);

/**
 * KEYS[1] an app's token index (zset scored by createdAt). ARGV: lastScore ('' for the first
 * page), lastId, count. Returns [id, score, ...] strictly after (lastScore, lastId).
 */
export const PAGE = new LuaScript(`
local out = {}
local n = tonumber(ARGV[3])
local min = '-inf'
if ARGV[1] ~= '' then
  local ties = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'WITHSCORES')
  for i = 1, #ties, 2 do
    if ties[i] > ARGV[2] and #out < n * 2 then
      table.insert(out, ties[i])
      table.insert(out, ties[i + 1])
    end
  end
  min = '(' .. ARGV[1]
end
local want = n - #out / 2
if want > 0 then
  local rest = redis.call('ZRANGEBYSCORE', KEYS[1], min, '+inf', 'WITHSCORES', 'LIMIT', 0, want)
  for i = 1, #rest do table.insert(out, rest[i]) end
end
return out
`);

/**
 * KEYS[1] a set of token ids (an app's index or a holder's active set), KEYS[2] its closed
 * marker. ARGV: marker lifetime ms. Closes it to new tokens and returns every id it holds, so the
 * caller can revoke them all, written or not.
 */
export const CLOSE = new LuaScript(`
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
return redis.call('ZRANGE', KEYS[1], 0, -1)
`);
