-- Deletes a session's hash under its old id and says whether it was there: of all requests that change
-- the id of one session, only the first wins. A key of another type is deleted too, but does not count
-- as the session.
-- KEYS[1]: the old session key.
-- Returns 1 if a session hash was deleted.
local t = redis.call('TYPE', KEYS[1]).ok
if t == 'none' then return 0 end
redis.call('DEL', KEYS[1])
if t == 'hash' then return 1 end
return 0
