-- Moves due entries from the delayed set into the stream, atomically. A member that is not a JSON
-- array of an even number of strings, or that the stream refuses, goes to the dead-letter stream
-- with the reason (field 'error'), the member itself in field 'delayed-member' (cut to 64 KiB), so
-- one bad member never holds up the others. A stream or dead-letter stream key of another type
-- fails the whole call before anything moves.
-- A member with the field 'priority' ('high' or 'low') goes into that priority's lane.
-- KEYS: stream, delayed, dead, high-priority lane, low-priority lane (each lane the stream itself
-- when no consumer reads it).
-- ARGV: now in ms, max length, most entries to move, dead-letter max length.
-- Returns {how many moved, how many were dead-lettered}.
for _, i in ipairs({1, 3, 4, 5}) do
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind ~= 'none' and kind ~= 'stream' then
    return redis.error_reply('WRONGTYPE a key of the stream is not a stream: ' .. kind)
  end
end
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local moved, dead = 0, 0
for _, member in ipairs(due) do
  local problem = nil
  local ok, fields = pcall(cjson.decode, member)
  if not ok or type(fields) ~= 'table' or #fields == 0 or #fields % 2 ~= 0 then
    problem = 'not a JSON array of field/value pairs'
  else
    for i = 1, #fields do
      if type(fields[i]) ~= 'string' then problem = 'a field or value is not a string' break end
    end
  end
  if problem == nil then
    local target = KEYS[1]
    for i = 1, #fields - 1, 2 do
      if fields[i] == 'priority' then
        if fields[i + 1] == 'high' then target = KEYS[4] elseif fields[i + 1] == 'low' then target = KEYS[5] end
      end
    end
    local added, failure = pcall(function()
      return redis.call('XADD', target, 'MAXLEN', '~', ARGV[2], '*', unpack(fields))
    end)
    if not added then
      problem = 'the stream refused it: ' .. tostring((type(failure) == 'table' and failure.err) or failure)
    end
  end
  if problem == nil then
    moved = moved + 1
  else
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'error', 'Unreadable delayed entry: ' .. problem,
      'delayed-member', string.sub(member, 1, 65536), 'attempt', '0', 'failed-at', ARGV[1])
    dead = dead + 1
  end
  redis.call('ZREM', KEYS[2], member)
end
return {moved, dead}
