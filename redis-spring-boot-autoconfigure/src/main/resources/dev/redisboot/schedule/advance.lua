-- Moves a schedule's cursor (the last fire time handled) forward, never back, and records the
-- last job enqueued if its fire time is the latest so far. A key of another Redis type, or a
-- field holding something redisboot never writes, is replaced and reported.
-- KEYS: the state hash.
-- ARGV: new cursor in ms ('' to leave it), fire time in ms of a job enqueued ('' for none), its job id.
-- Returns {1 if the cursor moved forward else 0, 1 if something was replaced else 0}.
local replaced = 0
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' and kind ~= 'hash' then
  redis.call('DEL', KEYS[1])
  replaced = 1
end
local function current(field)
  local value = redis.call('HGET', KEYS[1], field)
  if value and (string.match(value, '^%d+$') == nil or string.len(value) > 15) then
    replaced = 1
    return false
  end
  return value
end
local advanced = 0
if ARGV[1] ~= '' then
  local cursor = current('cursor')
  if (not cursor) or tonumber(ARGV[1]) > tonumber(cursor) then
    redis.call('HSET', KEYS[1], 'cursor', ARGV[1])
    advanced = 1
  end
end
if ARGV[2] ~= '' then
  local last = current('last-fire')
  if (not last) or tonumber(ARGV[2]) >= tonumber(last) then
    redis.call('HSET', KEYS[1], 'last-fire', ARGV[2], 'last-job', ARGV[3])
  end
end
return {advanced, replaced}
