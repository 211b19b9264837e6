-- Acknowledges a failed entry and schedules its retry or adds it to the dead-letter stream, unless
-- another consumer acknowledged it first; fails without acknowledging when the delayed set or
-- dead-letter stream has another type, so the entry stays pending and is reclaimed later.
-- KEYS: stream, delayed, dead.
-- ARGV: group, entry id, 'retry' or 'dead', due time, delayed member, dead-letter max length, then
-- the dead letter's field/value pairs.
-- Returns 1, or 0 if it was not pending.
-- checked before XACK: a failing write after it would lose the entry (scripts do not roll back)
local delayed, dead = redis.call('TYPE', KEYS[2]).ok, redis.call('TYPE', KEYS[3]).ok
if (delayed ~= 'none' and delayed ~= 'zset') or (dead ~= 'none' and dead ~= 'stream') then
  return redis.error_reply('WRONGTYPE the delayed set or dead-letter stream has another type')
end
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if ARGV[3] == 'retry' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
else
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', unpack(ARGV, 7))
end
return 1
