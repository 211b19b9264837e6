-- Records a key's latest value for the write-behind job and tells whether a job must be enqueued.
-- KEYS[1] the name's pending hash; ARGV[1] the key's digest, ARGV[2] the entry (JSON), ARGV[3] now (ms),
-- ARGV[4] after how long (ms) a queued marker no job touched is taken as stuck and re-armed.
-- Fields per key: v:<digest> the entry, n:<digest> its version, t:<digest> when the oldest unwritten value
-- was recorded, q:<digest> when a job was enqueued or last took (or, running, touched) the key (the job is queued
-- or running), o:<digest> the id of the job that took it.
-- Returns { 1 when a job must be enqueued, else 0; 1 when a key of another type was replaced }.
local replaced = 0
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'hash' and kind ~= 'none' then
	redis.call('DEL', KEYS[1])
	replaced = 1
end
local d = ARGV[1]
local now = tonumber(ARGV[3])
local n = tonumber(redis.call('HGET', KEYS[1], 'n:' .. d)) or 0
redis.call('HSET', KEYS[1], 'v:' .. d, ARGV[2], 'n:' .. d, n + 1)
if not tonumber(redis.call('HGET', KEYS[1], 't:' .. d)) then
	redis.call('HSET', KEYS[1], 't:' .. d, ARGV[3])
end
local queued = tonumber(redis.call('HGET', KEYS[1], 'q:' .. d))
if queued and now - queued <= tonumber(ARGV[4]) then
	return { 0, replaced }
end
redis.call('HSET', KEYS[1], 'q:' .. d, ARGV[3])
redis.call('HDEL', KEYS[1], 'o:' .. d)
return { 1, replaced }
