/**
 * Lua scripts for an app's token index and name claims (redis-app-index.ts holds the key layout).
 * Keys that depend on state (the head bucket, the highest name level) are read first by the caller;
 * a script that finds the state moved on changes nothing and answers with what to retry with.
 * Answers are arrays: {'ok', bucket (-1 for the legacy index)}, {'closed'}, {'head', n} (retry into
 * bucket n), {'levels', top} (retry passing name levels up to top), {'held', id}.
 */
import { LuaScript } from './redis-scripts.js';

/**
 * The head check, with KEYS[1] the closed marker, KEYS[2] the legacy index, KEYS[3] the head number,
 * KEYS[4] bucket n; ARGV[1] id, ARGV[2] createdAt, ARGV[3] n ('' to index in the legacy zset), ARGV[4]
 * the bucket capacity. A full head moves the head on, so buckets stay small enough to be listpacks.
 */
const HEAD = `
local function head_moved()
  if ARGV[3] == '' then return nil end
  local at = tonumber(redis.call('GET', KEYS[3]) or '0')
  if at ~= tonumber(ARGV[3]) then return at end
  if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[4]) then return redis.call('INCR', KEYS[3]) end
  return nil
end
local function add_to_index()
  if ARGV[3] == '' then
    redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
    return {'ok', -1}
  end
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
  return {'ok', tonumber(ARGV[3])}
end
`;

/** KEYS and ARGV as in HEAD. Indexes an id (a token without a name claim); 'closed' while the app is deleted. */
export const INDEX = new LuaScript(`${HEAD}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'closed'} end
local moved = head_moved()
if moved then return {'head', moved} end
return add_to_index()
`);

/**
 * KEYS 1-4 and ARGV 1-4 as in HEAD, KEYS[5] the name meta hash (l: highest level, c: names held in
 * levels), KEYS[6] the legacy name hash, KEYS[7 + i] the name's bucket at level i for i = 0..ARGV[7].
 * ARGV[5] name, ARGV[6] replaceable id ('' for none), ARGV[8] the level to write at ('' for the legacy
 * hash). Claims the name and indexes the id, or answers 'held' with the other id holding the name
 * (the caller checks it is live and retries with it as replaceable).
 */
export const CLAIM = new LuaScript(`${HEAD}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'closed'} end
local top = tonumber(redis.call('HGET', KEYS[5], 'l') or '-1')
local passed = tonumber(ARGV[7])
if top > passed then return {'levels', top} end
local moved = head_moved()
if moved then return {'head', moved} end
local found = {}
for k = 6, 7 + passed do
  local cur = redis.call('HGET', KEYS[k], ARGV[5])
  if cur then
    if cur ~= ARGV[6] then return {'held', cur} end
    table.insert(found, k)
  end
end
for _, k in ipairs(found) do
  redis.call('HDEL', KEYS[k], ARGV[5])
  if k > 6 then redis.call('HINCRBY', KEYS[5], 'c', -1) end
end
if ARGV[8] == '' then
  redis.call('HSET', KEYS[6], ARGV[5], ARGV[1])
else
  local level = tonumber(ARGV[8])
  redis.call('HSET', KEYS[7 + level], ARGV[5], ARGV[1])
  redis.call('HINCRBY', KEYS[5], 'c', 1)
  if level > top then redis.call('HSET', KEYS[5], 'l', level) end
end
return add_to_index()
`);

/**
 * KEYS[1] the name meta hash, KEYS[2] the legacy name hash, KEYS[3] the legacy index, KEYS[4] the
 * bucket holding the id (the legacy index again when unknown), KEYS[5 + i] the name's bucket at level
 * i for i = 0..ARGV[3]. ARGV: name, id. Drops the id from the index and frees the name where it holds it.
 */
export const RELEASE = new LuaScript(`
local top = tonumber(redis.call('HGET', KEYS[1], 'l') or '-1')
local passed = tonumber(ARGV[3])
if top > passed then return {'levels', top} end
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[2], ARGV[1]) end
for k = 5, 5 + passed do
  if redis.call('HGET', KEYS[k], ARGV[1]) == ARGV[2] then
    redis.call('HDEL', KEYS[k], ARGV[1])
    redis.call('HINCRBY', KEYS[1], 'c', -1)
  end
end
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
return {'ok', -1}
`);
