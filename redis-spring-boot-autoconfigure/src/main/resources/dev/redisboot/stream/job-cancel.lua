-- Cancels a job: one that waits (QUEUED, SCHEDULED, RETRYING) is marked CANCELLED, taken out of
-- the delayed set if it is there (the member with the job id at its due time), and its unique key
-- is released; a consumer that reads it from the stream acknowledges it without running it. A
-- RUNNING job is only flagged: its handler sees the flag through StreamDelivery.isCancelled().
-- KEYS: status record, delayed, unique key (the status record when none).
-- ARGV: job id, now in ms, status TTL in ms.
-- Returns {outcome}: 'cancelled', 'requested', 'missing', 'unreadable' or 'finished'.
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then return {'missing'} end
if kind ~= 'hash' then return {'unreadable'} end
local record = redis.call('HMGET', KEYS[1], 'state', 'due')
local state = record[1]
if state == 'DONE' or state == 'DEAD' or state == 'CANCELLED' then return {'finished'} end
if state == 'RUNNING' then
  redis.call('HSET', KEYS[1], 'cancel', '1')
  return {'requested'}
end
if state ~= 'QUEUED' and state ~= 'SCHEDULED' and state ~= 'RETRYING' then return {'unreadable'} end
local due = record[2]
if due and due ~= '0' and string.match(due, '^%d+$') then
  local needle = '"job","' .. ARGV[1] .. '"'
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], due, due)) do
    if string.find(member, needle, 1, true) then redis.call('ZREM', KEYS[2], member) end
  end
end
redis.call('HSET', KEYS[1], 'state', 'CANCELLED', 'cancel', '1', 'updated', ARGV[2], 'due', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if KEYS[3] ~= KEYS[1] then
  local unique = redis.call('TYPE', KEYS[3]).ok
  if unique == 'string' and redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
end
return {'cancelled'}
