-- Adds a session to its principal's index and makes the index live at least as long as asked, never
-- shorter than it already does. A key of another type is replaced.
-- KEYS[1]: the index. ARGV[1]: the session handle; ARGV[2]: its creation time; ARGV[3]: TTL in ms,
-- 0 for none; ARGV[4]: '1' to return the members.
-- Returns 1 if the key had to be replaced, else 0, then the members and their scores if asked for.
local t = redis.call('TYPE', KEYS[1]).ok
local result = { 0 }
if t ~= 'zset' and t ~= 'none' then
	redis.call('DEL', KEYS[1])
	result[1] = 1
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local ttl = tonumber(ARGV[3])
if ttl <= 0 then redis.call('PERSIST', KEYS[1])
elseif redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
if ARGV[4] == '1' then
	local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
	for i = 1, #members do result[#result + 1] = members[i] end
end
return result
