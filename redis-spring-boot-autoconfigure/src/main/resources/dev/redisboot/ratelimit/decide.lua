-- Rate-limit decisions on one bucket, computed in Redis: for each of ARGV[1] requests (concurrent
-- ones of one instance, batched), takes one request from every limit of the bucket, or from none;
-- the first requests are allowed while every limit has one left, the rest rejected. The limits come as arguments on every call, so a rule change
-- applies to live buckets and nothing stored in Redis can raise a limit.
-- KEYS[1]: the bucket. ARGV[1]: the requests; then per limit, capacity, period in ms, and 'g'
-- (greedy) or 'i' (intervally).
-- Times come from the server's clock (TIME), so that instances with skewed clocks agree.
-- State (a string): 'rl1 <ms> <limit>... .', a greedy limit as g<debt>, where debt / capacity is the
-- ms until the limit is full again, an intervally one as i<window start ms>,<used>; the final '.'
-- makes every truncated state unusable rather than a different state.
-- Returns {requests allowed, remaining after them, ms until full, ms until a request is allowed again
-- (0 when all were allowed), bad}, where
-- bad is 1 when the key held no usable state (garbage, another Redis type) and a fresh bucket replaced it.
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local requests = tonumber(ARGV[1])
local n = math.floor((#ARGV - 1) / 3)
local cap, per, kind = {}, {}, {}
for i = 1, n do
  cap[i] = tonumber(ARGV[3 * i - 1])
  per[i] = tonumber(ARGV[3 * i])
  kind[i] = ARGV[3 * i + 1]
end

local bad = 0
local raw = redis.pcall('get', KEYS[1])
if type(raw) == 'table' then
  if string.sub(raw.err or '', 1, 9) ~= 'WRONGTYPE' then
    return redis.error_reply(raw.err or 'ERR bucket read failed')
  end
  bad = 1
  raw = false
end

-- a number as stored: digits only (no sign, exponent, hex, inf or nan), exact in a double
local function number(text)
  if text == nil or #text == 0 or #text > 15 or not string.match(text, '^%d+$') then
    return nil
  end
  return tonumber(text)
end

local ts, a, b = now, {}, {}
local fresh = true
if raw then
  local parts = {}
  if #raw <= 64 + 40 * n and string.sub(raw, -2) == ' .' then
    for part in string.gmatch(string.sub(raw, 1, -3), '[^ ]+') do
      parts[#parts + 1] = part
      if #parts > 64 then
        break
      end
    end
  end
  local wellFormed = #parts >= 2 and #parts <= 64 and parts[1] == 'rl1' and number(parts[2]) ~= nil
  local kinds = {}
  if wellFormed then
    for i = 3, #parts do
      local x = number(string.match(parts[i], '^g(%d+)$'))
      if x ~= nil then
        kinds[i - 2], a[i - 2] = 'g', x
      else
        local w, u = string.match(parts[i], '^i(%d+),(%d+)$')
        w, u = number(w), number(u)
        if w == nil or u == nil then
          wellFormed = false
          break
        end
        kinds[i - 2], a[i - 2], b[i - 2] = 'i', w, u
      end
    end
  end
  if not wellFormed then
    bad = 1
  else
    -- a state of other limits (the rule changed) starts afresh; that is no fault
    fresh = #parts - 2 ~= n
    for i = 1, n do
      if kinds[i] ~= kind[i] then
        fresh = true
      end
    end
    if not fresh then
      ts = number(parts[2])
    end
  end
end

local elapsed = math.max(0, now - ts)
local allowed = requests
for i = 1, n do
  if kind[i] == 'g' then
    local full = cap[i] * per[i]
    local debt = fresh and 0 or math.min(full, a[i])
    debt = math.max(0, debt - elapsed * cap[i])
    a[i] = debt
    allowed = math.min(allowed, math.floor((full - debt) / per[i]))
  else
    local w, u = now, 0
    if not fresh then
      w, u = a[i], math.min(cap[i], b[i])
      if now >= w + per[i] then
        w, u = w + math.floor((now - w) / per[i]) * per[i], 0
      end
    end
    a[i], b[i] = w, u
    allowed = math.min(allowed, cap[i] - u)
  end
end

local remaining, untilFull, retry = nil, 0, 0
local state = { 'rl1', string.format('%.0f', now) }
for i = 1, n do
  local left, full, wait
  if kind[i] == 'g' then
    a[i] = a[i] + allowed * per[i]
    left = math.floor((cap[i] * per[i] - a[i]) / per[i])
    full = math.ceil(a[i] / cap[i])
    wait = math.ceil(math.max(0, a[i] + per[i] - cap[i] * per[i]) / cap[i])
    state[#state + 1] = 'g' .. string.format('%.0f', a[i])
  else
    b[i] = b[i] + allowed
    left = cap[i] - b[i]
    full = (b[i] > 0) and (a[i] + per[i] - now) or 0
    wait = (b[i] + 1 > cap[i]) and (a[i] + per[i] - now) or 0
    state[#state + 1] = 'i' .. string.format('%.0f', a[i]) .. ',' .. string.format('%.0f', b[i])
  end
  if remaining == nil or left < remaining then
    remaining = left
  end
  untilFull = math.max(untilFull, full)
  retry = math.max(retry, wait)
end

-- SET replaces a key of any type
state[#state + 1] = '.'
redis.call('set', KEYS[1], table.concat(state, ' '), 'px', math.max(1, untilFull) + 1000)
return { allowed, remaining or 0, untilFull, (allowed < requests) and retry or 0, bad }
