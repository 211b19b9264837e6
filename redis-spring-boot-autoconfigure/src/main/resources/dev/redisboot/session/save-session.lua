-- Writes a session's changed fields and slides its expiry in one step. A session that is not new is
-- only written if its hash still exists: a revoked or expired session must not come back because a
-- request that was using it finished later. A full write replaces whatever the key held.
-- KEYS[1]: the session hash. ARGV[1]: '1' for a full write; ARGV[2]: TTL in ms, 0 for none;
-- ARGV[3]: the number n of fields to set; then n field/value pairs; then fields to delete.
-- Returns 1 if written, 0 if the session is gone.
local t = redis.call('TYPE', KEYS[1]).ok
if ARGV[1] == '0' then
	if t ~= 'hash' then return 0 end
elseif t ~= 'none' then
	redis.call('DEL', KEYS[1])
end
local n = tonumber(ARGV[3])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 4, 3 + 2 * n)) end
if #ARGV > 3 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 4 + 2 * n)) end
local ttl = tonumber(ARGV[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) else redis.call('PERSIST', KEYS[1]) end
return 1
