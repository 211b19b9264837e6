-- The sweeper's re-arm of a stuck key: a mark no job refreshed for stuck-after (its job was lost, or the instance
-- running it died and its entry was not re-delivered). Compare-and-set on the mark the sweeper read, so that of
-- several instances sweeping at once one re-arms, and one job is enqueued.
-- KEYS[1] the name's pending hash; ARGV[1] the key's digest, ARGV[2] the mark read, ARGV[3] now (ms).
-- Returns 1 when this call re-armed the key (the caller enqueues a job), else 0.
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' or redis.call('HGET', KEYS[1], 'q:' .. ARGV[1]) ~= ARGV[2] then
	return 0
end
redis.call('HSET', KEYS[1], 'q:' .. ARGV[1], ARGV[3])
redis.call('HDEL', KEYS[1], 'o:' .. ARGV[1])
return 1
