-- Sets the lease of a lock that this owner holds, in one round trip: ends it (deletes the lock) when
-- ARGV[2] is 0, otherwise lets it end ARGV[2] ms from now (a watchdog renewal, or the rest of a
-- scheduled task's lockAtLeastFor). Compare-and-set: a lock that expired, or that another holder took
-- since, is left alone.
-- KEYS[1]: the lock. ARGV[1]: the value this owner wrote, '<token>:<owner>'. ARGV[2]: ms, or 0.
-- Returns 1 when the lock was this owner's, 0 when it was not (its lease ended before, another holder
-- has it, or the key holds something else).
local value = redis.pcall('get', KEYS[1])
if type(value) ~= 'string' or value ~= ARGV[1] then
  return 0
end
local ms = tonumber(ARGV[2])
if ms > 0 then
  redis.call('pexpire', KEYS[1], ms)
else
  redis.call('del', KEYS[1])
end
return 1
