-- A job lets go of its key: after its writer threw (the retry takes the key again; ARGV[3] '0'), or for good after
-- its last attempt (ARGV[3] '1': the mark goes too, the value stays pending and the key's next write enqueues a
-- job), or to hand the key to the job it enqueues next (ARGV[3] '0'). Only the key's owner lets go.
-- KEYS[1] the name's pending hash; ARGV[1] the key's digest, ARGV[2] the job's run, ARGV[3] whether the mark goes.
-- Returns 1 when released, 0 when another job had the key.
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' then
	return 0
end
local d = ARGV[1]
local owner = redis.call('HGET', KEYS[1], 'o:' .. d)
if owner and owner ~= ARGV[2] then
	return 0
end
redis.call('HDEL', KEYS[1], 'o:' .. d)
if ARGV[3] == '1' then
	redis.call('HDEL', KEYS[1], 'q:' .. d)
end
return 1
