-- Pauses or resumes a schedule. A key of another Redis type is replaced and reported.
-- KEYS: the state hash.
-- ARGV: '1' to pause, '0' to resume.
-- Returns {1 if the paused flag changed else 0, 1 if something was replaced else 0}.
local replaced = 0
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' and kind ~= 'hash' then
  redis.call('DEL', KEYS[1])
  replaced = 1
end
local paused = redis.call('HGET', KEYS[1], 'paused')
if paused and paused ~= '1' then
  replaced = 1
  paused = false
end
if ARGV[1] == '1' then
  if paused then return {0, replaced} end
  redis.call('HSET', KEYS[1], 'paused', '1')
  return {1, replaced}
end
redis.call('HDEL', KEYS[1], 'paused')
if paused then return {1, replaced} end
return {0, replaced}
