-- Ends a key's write when no newer value was recorded since the job took it.
-- KEYS[1] the name's pending hash; ARGV[1] the key's digest, ARGV[2] the version the job took ('' for none),
-- ARGV[3] the job's id.
-- Returns 1 when the key is done (its fields are removed: the next write enqueues a new job), or another job
-- took the key over (this one was taken for dead: that job writes what came since); 0 when a newer value
-- waits (the job writes again).
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then
	return 1
end
local d = ARGV[1]
local owner = redis.call('HGET', KEYS[1], 'o:' .. d)
if owner and owner ~= ARGV[3] then
	return 1
end
local n = redis.call('HGET', KEYS[1], 'n:' .. d) or ''
if n ~= ARGV[2] then
	return 0
end
redis.call('HDEL', KEYS[1], 'v:' .. d, 'n:' .. d, 't:' .. d, 'q:' .. d, 'o:' .. d)
return 1
