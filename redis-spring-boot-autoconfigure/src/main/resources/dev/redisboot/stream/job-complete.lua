-- Acknowledges a job whose handler returned, marks it DONE (or CANCELLED, when the handler saw
-- the cancellation) with the status TTL, and releases its unique key if it still names the job. A
-- status record of another type is replaced, and reported.
-- KEYS: stream, status record, unique key (the status record when none).
-- ARGV: group, entry id, job id, now in ms, status TTL in ms, final state.
-- Returns {1 if acknowledged else 0, 1 if the status record was unreadable (and replaced) else 0}.
local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
local fault = 0
local kind = redis.call('TYPE', KEYS[2]).ok
if kind ~= 'hash' and kind ~= 'none' then
  redis.call('DEL', KEYS[2])
  fault = 1
end
redis.call('HSET', KEYS[2], 'state', ARGV[6], 'updated', ARGV[4], 'due', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[5])
if KEYS[3] ~= KEYS[2] and redis.call('TYPE', KEYS[3]).ok == 'string' and redis.call('GET', KEYS[3]) == ARGV[3] then
  redis.call('DEL', KEYS[3])
end
return {acked, fault}
