-- Reads a key's latest value for the job that writes it, and marks the key as taken now.
-- KEYS[1] the name's pending hash; ARGV[1] the key's digest, ARGV[2] now (ms).
-- Returns { entry or '', version or '', oldest unwritten since (ms) or '' }.
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then
	return { '', '', '' }
end
local d = ARGV[1]
local r = redis.call('HMGET', KEYS[1], 'v:' .. d, 'n:' .. d, 't:' .. d)
if r[1] or r[2] then
	redis.call('HSET', KEYS[1], 'q:' .. d, ARGV[2])
end
return { r[1] or '', r[2] or '', r[3] or '' }
