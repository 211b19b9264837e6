-- Adds a member to a sorted set (the expiration set), replacing a key of another type.
-- KEYS[1]: the set. ARGV[1]: the score; ARGV[2]: the member.
-- Returns 1 if the key had to be replaced, else 0.
local t = redis.call('TYPE', KEYS[1]).ok
local replaced = 0
if t ~= 'zset' and t ~= 'none' then
	redis.call('DEL', KEYS[1])
	replaced = 1
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return replaced
