-- Deletes a key if it holds another type than expected, so that a value planted or corrupted under a
-- session key family is replaced instead of failing every request.
-- KEYS[1]: the key. ARGV[1]: the expected type.
-- Returns 1 if deleted.
local t = redis.call('TYPE', KEYS[1]).ok
if t ~= ARGV[1] and t ~= 'none' then
	redis.call('DEL', KEYS[1])
	return 1
end
return 0
