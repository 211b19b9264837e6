-- Takes a lock if no one holds it, in one round trip, and hands out its fencing token.
-- KEYS[1]: the lock, a string '<token>:<owner>' that expires with the holder's lease.
-- KEYS[2]: the lock's fencing counter, the last token handed out; it expires a day after the lock's
-- last acquisition, so that locks named after ids do not leave a counter each behind for good.
-- ARGV[1]: the owner (the locking instance's random id). ARGV[2]: the lease in ms.
-- A token is the larger of the last one + 1 and the server's clock in microseconds, so tokens keep
-- increasing even when the counter is gone (expired, a restart without persistence, a failover to a
-- replica that missed the last writes, a counter overwritten with garbage), as long as the server's
-- clock does not go back. Numbers stay below 2^53, exact in Lua and in JSON.
-- Returns {1, token, bad} when taken; {0, ms until the holder's lease ends, bad} when held; where bad
-- is 1 when a key held something this script never writes (another Redis type, a value of another
-- format, a lock without expiry, a counter that is no number): a lock key without expiry is replaced
-- (it would never be released), anything else in it is waited out as another holder's.
local bad = 0
local kind = redis.call('type', KEYS[1])['ok']
if kind ~= 'none' then
  local ttl = redis.call('pttl', KEYS[1])
  if kind ~= 'string' or not string.match(redis.call('get', KEYS[1]), '^%d+:[%w%-]+$') then
    bad = 1
  elseif ttl < 0 then
    bad = 1
  end
  if ttl >= 0 then
    return { 0, math.max(ttl, 1), bad }
  end
end

local t = redis.call('time')
local token = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = redis.pcall('get', KEYS[2])
if type(last) == 'table' then
  bad = 1
elseif last then
  if #last <= 16 and string.match(last, '^%d+$') then
    local previous = tonumber(last)
    if previous + 1 > token then
      token = previous + 1
    end
  else
    bad = 1
  end
end
local text = string.format('%.0f', token)
-- SET replaces a key of any type
redis.call('set', KEYS[2], text, 'px', tonumber(ARGV[2]) + 86400000)
redis.call('set', KEYS[1], text .. ':' .. ARGV[1], 'px', ARGV[2])
return { 1, token, bad }
