/**
 * Lua scripts for an app's token index and name claims (redis-app-index.ts holds the key layout).
 * Keys that depend on state (the head bucket, the highest name level) are read first by the caller;
 * a script that finds the state moved on changes nothing and answers with what to retry with.
 * Answers are arrays: {'ok', bucket (-1 for the legacy index)}, {'closed'}, {'head', n} (retry into
 * bucket n), {'levels', top} (retry passing name levels up to top), {'held', id, claimedAt}.
 * A name level maps a name to `<id> <claimedAt in base 36>`: a claim whose record is not written yet (an
 * issuance in flight) still holds the name, so the claim must say how old it is (base 36: 8 characters
 * instead of 13, for every name held). The legacy hash holds the id alone; its claim time is the id's
 * score in the legacy index. 'held' answers the claim time in ms, or '' when unknown.
 */
import { LuaScript } from './redis-scripts.js';

/**
 * The head check, with KEYS[1] the closed marker, KEYS[2] the legacy index, KEYS[3] the head number,
 * KEYS[4] bucket n, KEYS[5] the set of buckets holding ids; ARGV[1] id, ARGV[2] createdAt, ARGV[3] n
 * ('' to index in the legacy zset), ARGV[4] the bucket capacity. A full head moves the head on, so
 * buckets stay small enough to be listpacks. Only the head bucket ever gains ids.
 */
const HEAD = `
local function head_moved()
  if ARGV[3] == '' then return nil end
  local at = tonumber(redis.call('GET', KEYS[3]) or '0')
  if at ~= tonumber(ARGV[3]) then return at end
  if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[4]) then return redis.call('INCR', KEYS[3]) end
  return nil
end
local function claim_of(k, value)
  local space = string.find(value, ' ', 1, true)
  if space then return string.sub(value, 1, space - 1), tonumber(string.sub(value, space + 1), 36) or '' end
  if k == 7 then return value, tonumber(redis.call('ZSCORE', KEYS[2], value)) or '' end
  return value, ''
end
local function add_to_index()
  if ARGV[3] == '' then
    redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
    return {'ok', -1}
  end
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
  redis.call('ZADD', KEYS[5], ARGV[3], ARGV[3])
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
 * KEYS 1-5 and ARGV 1-4 as in HEAD, KEYS[6] the name meta hash (l: highest level, c: names held in
 * levels), KEYS[7] the legacy name hash, KEYS[8 + i] the name's bucket at level i for i = 0..ARGV[7].
 * ARGV[5] name, ARGV[6] replaceable id ('' for none), ARGV[8] the level to write at ('' for the legacy
 * hash), ARGV[9] createdAt in base 36. Claims the name and indexes the id, or answers 'held' with the other id holding the name and
 * when it claimed it (the caller checks it is live or still being issued, and retries with it as replaceable).
 */
export const CLAIM = new LuaScript(`${HEAD}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'closed'} end
local top = tonumber(redis.call('HGET', KEYS[6], 'l') or '-1')
local passed = tonumber(ARGV[7])
if top > passed then return {'levels', top} end
local moved = head_moved()
if moved then return {'head', moved} end
local found = {}
for k = 7, 8 + passed do
  local value = redis.call('HGET', KEYS[k], ARGV[5])
  if value then
    local cur, at = claim_of(k, value)
    if cur ~= ARGV[6] then return {'held', cur, at} end
    table.insert(found, k)
  end
end
for _, k in ipairs(found) do
  redis.call('HDEL', KEYS[k], ARGV[5])
  if k > 7 then redis.call('HINCRBY', KEYS[6], 'c', -1) end
end
if ARGV[8] == '' then
  redis.call('HSET', KEYS[7], ARGV[5], ARGV[1])
else
  local level = tonumber(ARGV[8])
  redis.call('HSET', KEYS[8 + level], ARGV[5], ARGV[1] .. ' ' .. ARGV[9])
  redis.call('HINCRBY', KEYS[6], 'c', 1)
  if level > top then redis.call('HSET', KEYS[6], 'l', level) end
end
return add_to_index()
`);

/**
 * KEYS[1] the name meta hash, KEYS[2] the legacy name hash, KEYS[3] the legacy index, KEYS[4] the
 * bucket holding the id (the legacy index again when unknown), KEYS[5] the set of buckets holding ids,
 * KEYS[6 + i] the name's bucket at level i for i = 0..ARGV[3]. ARGV: name, id, top level, the bucket's
 * number ('' when unknown). Drops the id from the index and frees the name where it holds it.
 */
export const RELEASE = new LuaScript(`
local top = tonumber(redis.call('HGET', KEYS[1], 'l') or '-1')
local passed = tonumber(ARGV[3])
if top > passed then return {'levels', top} end
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[2], ARGV[1]) end
for k = 6, 6 + passed do
  local value = redis.call('HGET', KEYS[k], ARGV[1])
  if value and string.sub(value, 1, #ARGV[2] + 1) == ARGV[2] .. ' ' then
    redis.call('HDEL', KEYS[k], ARGV[1])
    redis.call('HINCRBY', KEYS[1], 'c', -1)
  end
end
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
if ARGV[4] ~= '' and redis.call('EXISTS', KEYS[4]) == 0 then redis.call('ZREM', KEYS[5], ARGV[4]) end
return {'ok', -1}
`);

/**
 * KEYS[1] an index bucket, KEYS[2] the set of buckets holding ids. ARGV: the bucket's number, then ids.
 * Drops the ids; a bucket left empty leaves the set, in the same step, so it cannot race the head gaining an id.
 */
export const DROP = new LuaScript(`
redis.call('ZREM', KEYS[1], unpack(ARGV, 2))
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end
return 1
`);
