-- Marks a job RUNNING just before its handler runs, unless it was cancelled: then acknowledges
-- it, marks it CANCELLED and releases its unique key, and the handler does not run. A status
-- record of another type is replaced, and reported; a missing one (expired, deleted) is written
-- afresh. The unique key's TTL is renewed while it names the job.
-- KEYS: stream, status record, unique key (the status record when none).
-- ARGV: group, entry id, job id, attempt, now in ms, status TTL in ms, unique key TTL in ms,
-- job type.
-- Returns {1 to run or 0 (cancelled, acknowledged), 1 if the status record was unreadable (and
-- replaced) else 0}.
local function uniqueNamesJob()
  return KEYS[3] ~= KEYS[2] and redis.call('TYPE', KEYS[3]).ok == 'string' and redis.call('GET', KEYS[3]) == ARGV[3]
end
local kind = redis.call('TYPE', KEYS[2]).ok
local fault = 0
if kind == 'hash' then
  local record = redis.call('HMGET', KEYS[2], 'state', 'cancel')
  if record[1] == 'CANCELLED' or record[2] then
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
    redis.call('HSET', KEYS[2], 'state', 'CANCELLED', 'updated', ARGV[5], 'due', '0')
    redis.call('PEXPIRE', KEYS[2], ARGV[6])
    if uniqueNamesJob() then redis.call('DEL', KEYS[3]) end
    return {0, 0}
  end
elseif kind ~= 'none' then
  redis.call('DEL', KEYS[2])
  fault = 1
end
redis.call('HSET', KEYS[2], 'state', 'RUNNING', 'type', ARGV[8], 'attempts', ARGV[4], 'updated', ARGV[5], 'due', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[6])
if uniqueNamesJob() then redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
return {1, fault}
