-- Adds an entry now or, with a due time, to the delayed set; with an idempotency or unique key,
-- only if no job id is stored under the key (then returns that job id). A record under the key
-- that is not a job id (garbage, another type) is replaced, and reported. A tracked job also gets
-- its status record (QUEUED or SCHEDULED), written first: a key of the wrong type there fails the
-- call before anything is added.
-- KEYS: stream, delayed, idempotency or unique key (the stream itself when unused), status record
-- (the stream itself when untracked).
-- ARGV: max length, key TTL in ms ('0' for no key), due time in ms ('0' for now), delayed member,
-- job id, status TTL in ms ('0' when untracked), now in ms, job type, unique key digest ('' for
-- none), then field/value pairs.
-- Returns {1 or 0 (duplicate), job id, 1 if an unreadable key record was replaced else 0,
-- 1 if an unreadable status record was replaced else 0}.
local replaced = 0
if ARGV[2] ~= '0' then
  local kind = redis.call('TYPE', KEYS[3]).ok
  if kind == 'string' then
    local existing = redis.call('GET', KEYS[3])
    if string.len(existing) == 36 and string.match(existing, '^[%x%-]+$') then return {0, existing, 0, 0} end
  end
  if kind ~= 'none' then replaced = 1 end
end
local unreadable = 0
if ARGV[6] ~= '0' then
  local kind = redis.call('TYPE', KEYS[4]).ok
  if kind ~= 'none' and kind ~= 'hash' then
    redis.call('DEL', KEYS[4])
    unreadable = 1
  end
  local state = 'QUEUED'
  if ARGV[3] ~= '0' then state = 'SCHEDULED' end
  redis.call('HSET', KEYS[4], 'state', state, 'type', ARGV[8], 'attempts', '0', 'enqueued', ARGV[7],
    'updated', ARGV[7], 'due', ARGV[3], 'unique', ARGV[9])
  redis.call('PEXPIRE', KEYS[4], ARGV[6])
end
if ARGV[3] ~= '0' then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
else
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 10))
end
if ARGV[2] ~= '0' then redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[2]) end
return {1, ARGV[5], replaced, unreadable}
