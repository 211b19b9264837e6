-- Adds an entry now or, with a due time, to the delayed set; with an idempotency key, only if no
-- entry was added under the key before (then returns the earlier job id). A record under the
-- idempotency key that is not a job id (garbage, another type) is replaced, and reported.
-- KEYS: stream, delayed, idempotency key (the stream itself when unused).
-- ARGV: max length, idempotency TTL in ms ('0' for none), due time in ms ('0' for now), delayed
-- member, job id, then field/value pairs.
-- Returns {1 or 0 (duplicate), job id, 1 if an unreadable idempotency record was replaced else 0}.
local replaced = 0
if ARGV[2] ~= '0' then
  local kind = redis.call('TYPE', KEYS[3]).ok
  if kind == 'string' then
    local existing = redis.call('GET', KEYS[3])
    if string.len(existing) == 36 and string.match(existing, '^[%x%-]+$') then return {0, existing, 0} end
  end
  if kind ~= 'none' then replaced = 1 end
end
if ARGV[3] ~= '0' then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
else
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 6))
end
if ARGV[2] ~= '0' then redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[2]) end
return {1, ARGV[5], replaced}
