-- Acknowledges a failed entry and schedules its retry or adds it to the dead-letter stream, unless
-- another consumer acknowledged it first; fails without acknowledging when the delayed set or
-- dead-letter stream has another type, so the entry stays pending and is reclaimed later. For a
-- tracked job, also writes its status (RETRYING with the due time, or DEAD, with the error) and,
-- when it is dead, releases its unique key; a job whose cancellation was requested is not retried
-- but marked CANCELLED. A status record of another type is replaced.
-- KEYS: stream, delayed, dead, status record and unique key (both the stream itself when
-- untracked; the unique key is the status record when none).
-- ARGV: group, entry id, 'retry' or 'dead', due time, delayed member, dead-letter max length,
-- status TTL in ms ('0' when untracked), job id, now in ms, error, status TTL in ms while retrying,
-- then the dead letter's field/value pairs.
-- Returns 1, 2 if it was cancelled instead, or 0 if it was not pending.
-- checked before XACK: a failing write after it would lose the entry (scripts do not roll back)
local delayed, dead = redis.call('TYPE', KEYS[2]).ok, redis.call('TYPE', KEYS[3]).ok
if (delayed ~= 'none' and delayed ~= 'zset') or (dead ~= 'none' and dead ~= 'stream') then
  return redis.error_reply('WRONGTYPE the delayed set or dead-letter stream has another type')
end
local status = nil
if ARGV[7] ~= '0' then status = redis.call('TYPE', KEYS[4]).ok end
local function release()
  if KEYS[5] ~= KEYS[4] and redis.call('TYPE', KEYS[5]).ok == 'string' and redis.call('GET', KEYS[5]) == ARGV[8] then
    redis.call('DEL', KEYS[5])
  end
end
if status == 'hash' and redis.call('HGET', KEYS[4], 'cancel') then
  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
  redis.call('HSET', KEYS[4], 'state', 'CANCELLED', 'updated', ARGV[9], 'due', '0', 'error', ARGV[10])
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
  release()
  return 2
end
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if ARGV[3] == 'retry' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
else
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', unpack(ARGV, 12))
end
if status ~= nil then
  if status ~= 'hash' and status ~= 'none' then redis.call('DEL', KEYS[4]) end
  if ARGV[3] == 'retry' then
    redis.call('HSET', KEYS[4], 'state', 'RETRYING', 'updated', ARGV[9], 'due', ARGV[4], 'error', ARGV[10])
    redis.call('PEXPIRE', KEYS[4], ARGV[11])
  else
    redis.call('HSET', KEYS[4], 'state', 'DEAD', 'updated', ARGV[9], 'due', '0', 'error', ARGV[10])
    redis.call('PEXPIRE', KEYS[4], ARGV[7])
    release()
  end
end
return 1
