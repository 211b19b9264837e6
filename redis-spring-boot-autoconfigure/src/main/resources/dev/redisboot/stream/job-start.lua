-- Marks a job RUNNING just before its handler runs, unless it was cancelled: then acknowledges
-- it, marks it CANCELLED and releases its unique key, and the handler does not run. A job over
-- its type's rate limit (a GCRA bucket, the key holding the theoretical arrival time), or one the
-- caller defers (its type's concurrency on this instance is taken), is deferred instead (the rate
-- is checked against the server's clock, TIME, so that consumers with skewed clocks agree): it is
-- acknowledged and put back in the delayed set, unchanged (its attempt is not counted), for when
-- it may run, and marked SCHEDULED. A job deferred by the rate limit takes its slot then: it goes
-- back with the field 'rate-slot', and the caller starts it without another check. A status record or rate key of another type, or a rate key
-- that holds no number, is replaced, and reported; a missing status record (expired, deleted) is
-- written afresh. The unique key's TTL is renewed while it names the job.
-- KEYS: stream, status record, unique key (the status record when none), delayed, rate key (the
-- status record when the type has no rate limit).
-- ARGV: group, entry id, job id, attempt, now in ms, status TTL in ms, unique key TTL in ms,
-- job type, 'run' or 'defer', rate interval in ms ('0' for no rate limit or a job that holds a
-- slot), rate period in ms,
-- delayed member ('' unless the job may be deferred), delay of a deferral by the caller in ms.
-- Returns {1 to run, 0 (cancelled, acknowledged) or 2 (deferred, acknowledged), 1 if a record
-- was unreadable (and replaced) else 0, the due time of a deferred job in ms else 0}.
local function uniqueNamesJob()
  return KEYS[3] ~= KEYS[2] and redis.call('TYPE', KEYS[3]).ok == 'string' and redis.call('GET', KEYS[3]) == ARGV[3]
end
local now = tonumber(ARGV[5])
local kind = redis.call('TYPE', KEYS[2]).ok
local fault = 0
if kind == 'hash' then
  local record = redis.call('HMGET', KEYS[2], 'state', 'cancel')
  if record[1] == 'CANCELLED' or record[2] then
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
    redis.call('HSET', KEYS[2], 'state', 'CANCELLED', 'updated', ARGV[5], 'due', '0')
    redis.call('PEXPIRE', KEYS[2], ARGV[6])
    if uniqueNamesJob() then redis.call('DEL', KEYS[3]) end
    return {0, 0, 0}
  end
elseif kind ~= 'none' then
  redis.call('DEL', KEYS[2])
  fault = 1
end
local due = 0
local reserved = false
if ARGV[9] == 'defer' then
  due = now + tonumber(ARGV[13])
elseif ARGV[10] ~= '0' then
  -- the server's clock: consumers on other threads and instances race with their own clocks
  local time = redis.call('TIME')
  local clock = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local interval, period = tonumber(ARGV[10]), tonumber(ARGV[11])
  local rate = redis.call('TYPE', KEYS[5]).ok
  local tat = clock
  if rate == 'string' then
    local stored = tonumber(redis.call('GET', KEYS[5]))
    if stored == nil then fault = 1 elseif stored > clock then tat = stored end
  elseif rate ~= 'none' then
    redis.call('DEL', KEYS[5])
    fault = 1
  end
  local next = tat + interval
  if next - clock > period then
    -- the job takes the next free slot now, so that a backlog of N jobs is deferred N times,
    -- each to a slot of its own, rather than all to the same time again and again
    due = math.max(now + 1, next - period)
    reserved = true
  end
  redis.call('SET', KEYS[5], string.format('%d', next), 'PX', string.format('%d', next - clock))
end
if due > 0 then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
  local when = string.format('%d', due)
  local member = ARGV[12]
  if reserved then
    local fields = cjson.decode(member)
    table.insert(fields, 'rate-slot')
    table.insert(fields, when)
    member = cjson.encode(fields)
  end
  redis.call('ZADD', KEYS[4], when, member)
  redis.call('HSET', KEYS[2], 'state', 'SCHEDULED', 'type', ARGV[8], 'updated', ARGV[5], 'due', when)
  redis.call('PEXPIRE', KEYS[2], string.format('%d', tonumber(ARGV[6]) + due - now))
  return {2, fault, due}
end
redis.call('HSET', KEYS[2], 'state', 'RUNNING', 'type', ARGV[8], 'attempts', ARGV[4], 'updated', ARGV[5], 'due', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[6])
if uniqueNamesJob() then redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
return {1, fault, 0}
