-- Reads a key's latest value for the job that writes it, and marks the key as taken now by that job, unless
-- another job took it and is alive (its mark is fresher than stuck-after): one job of a key runs at a time.
-- KEYS[1] the name's pending hash; ARGV[1] the key's digest, ARGV[2] now (ms), ARGV[3] the job's id,
-- ARGV[4] stuck-after (ms).
-- Returns { entry or '', version or '', oldest unwritten since (ms) or '', 1 when another live job has the key }.
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then
	return { '', '', '', 0 }
end
local d = ARGV[1]
local owner = redis.call('HGET', KEYS[1], 'o:' .. d)
if owner and owner ~= ARGV[3] then
	local taken = tonumber(redis.call('HGET', KEYS[1], 'q:' .. d))
	if taken and tonumber(ARGV[2]) - taken <= tonumber(ARGV[4]) then
		return { '', '', '', 1 }
	end
end
local r = redis.call('HMGET', KEYS[1], 'v:' .. d, 'n:' .. d, 't:' .. d)
if r[1] or r[2] then
	redis.call('HSET', KEYS[1], 'q:' .. d, ARGV[2], 'o:' .. d, ARGV[3])
end
return { r[1] or '', r[2] or '', r[3] or '', 0 }
