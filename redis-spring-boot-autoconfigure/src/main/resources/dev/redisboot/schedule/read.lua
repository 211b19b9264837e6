-- Reads a schedule's state hash. A key of another Redis type is deleted, a field holding something
-- redisboot never writes is removed, and either is reported, so that hostile state costs one fire
-- time's check at most (the jobs' idempotency keys still prevent a second enqueue).
-- KEYS: the state hash.
-- Returns {cursor ms, last fire ms, last job id, '1' if paused else '0', 1 if something was replaced
-- else 0}, with '' for an absent value.
local replaced = 0
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' and kind ~= 'hash' then
  redis.call('DEL', KEYS[1])
  return {'', '', '', '0', 1}
end
if kind == 'none' then return {'', '', '', '0', 0} end
local v = redis.call('HMGET', KEYS[1], 'cursor', 'last-fire', 'last-job', 'paused')
local fields = {'cursor', 'last-fire', 'last-job', 'paused'}
local function valid(i, value)
  if i <= 2 then return string.match(value, '^%d+$') ~= nil and string.len(value) <= 15 end
  if i == 3 then return string.len(value) <= 64 and string.match(value, '^[%w%-]+$') ~= nil end
  return value == '1'
end
local out = {}
for i = 1, 4 do
  local value = v[i]
  if value and not valid(i, value) then
    redis.call('HDEL', KEYS[1], fields[i])
    replaced = 1
    value = false
  end
  out[i] = value or ''
end
if out[4] == '' then out[4] = '0' end
out[5] = replaced
return out
