-- Keeps a running job's mark on its key fresh while the application's writer runs, so that neither the
-- sweeper nor a write takes the key for stuck. KEYS[1] the name's pending hash; ARGV[1] the key's digest,
-- ARGV[2] the job's id, ARGV[3] now (ms). Returns 1 when the job still has the key, else 0.
if redis.call('TYPE', KEYS[1]).ok ~= 'hash' or redis.call('HGET', KEYS[1], 'o:' .. ARGV[1]) ~= ARGV[2] then
	return 0
end
redis.call('HSET', KEYS[1], 'q:' .. ARGV[1], ARGV[3])
return 1
