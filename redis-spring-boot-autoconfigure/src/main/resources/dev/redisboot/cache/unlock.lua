-- Releases a cache-load lock only if it still holds this caller's token (KEYS[1] the lock, ARGV[1] the token),
-- so a caller whose lock expired never deletes the lock another caller took since.
if redis.call('get', KEYS[1]) == ARGV[1] then
	return redis.call('del', KEYS[1])
else
	return 0
end
