-- Moves dead letters back into the stream for another round of attempts; unreadable members of the
-- delayed set stay (there is nothing to retry).
-- A job with the field 'priority' ('high' or 'low') goes back into that priority's lane.
-- KEYS: stream, dead, high-priority lane, low-priority lane (each lane the stream itself when no
-- consumer here reads it).
-- ARGV: most entries, max length, group to limit to ('' for all).
-- Returns how many moved.
local entries = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', tonumber(ARGV[1]))
local moved = 0
for _, entry in ipairs(entries) do
  local fields = entry[2]
  local keep = {}
  local group = ''
  local target = KEYS[1]
  local unreadable = false
  for i = 1, #fields, 2 do
    local name = fields[i]
    if name == 'group' then group = fields[i + 1] end
    if name == 'delayed-member' then unreadable = true end
    if name == 'priority' then
      if fields[i + 1] == 'high' then target = KEYS[3] elseif fields[i + 1] == 'low' then target = KEYS[4] end
    end
    if name == 'payload' or name == 'type' or name == 'job' or name == 'group' or name == 'priority' then
      table.insert(keep, name)
      table.insert(keep, fields[i + 1])
    end
  end
  if not unreadable and (ARGV[3] == '' or ARGV[3] == group) then
    table.insert(keep, 'attempt')
    table.insert(keep, '1')
    redis.call('XADD', target, 'MAXLEN', '~', ARGV[2], '*', unpack(keep))
    redis.call('XDEL', KEYS[2], entry[1])
    moved = moved + 1
  end
end
return moved
