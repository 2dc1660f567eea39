--[[
Fixed window: a count per aligned window, one round trip per decision.

KEYS[1]  a hash; per limit (w = its window in microseconds) the fields i:<w> (index of the current
         aligned window, floor(now / w)) and c:<w> (admitted permits in it)
ARGV[1]  permits asked for
ARGV[2]  "" to read the time from the server (TIME), or a time in microseconds (test hook only)
ARGV[3…] pairs of (limit, window in microseconds)

Admits iff count + permits <= limit for every limit (all or nothing; a denial writes nothing).
Within a window an admission is one HINCRBY per limit; a new window rewrites the limit's fields.
Cheap and predictable, but a burst at the end of one window and another at the start of the next
can admit up to twice the limit within one window's length. Time comes from the server; the hash
expires at the end of the current window, set when a window index moves (and on a new key).

Returns {allowed 0|1, index of the limit reported on (1-based), remaining, resetAfter µs, retryAfter µs}.

Runs after prelude.lua, which defines key, permits, now (µs), n (number of limits) and fmt.
]]

local denied, index, remaining, reset, retry = false, 0, 0, 0, 0
local writes = {}
local ttl = 0
local moved = false
for i = 1, n do
  local limit = tonumber(ARGV[1 + 2 * i])
  local ws = ARGV[2 + 2 * i]
  local w = tonumber(ws)
  local fi, fc = 'i:' .. ws, 'c:' .. ws
  local state = redis.call('HMGET', key, fi, fc)
  local stored = tonumber(state[1])
  local idx = math.floor(now / w)
  if stored and stored > idx then idx = stored end
  local count = 0
  if stored == idx then count = tonumber(state[2]) end
  local untilEnd = (idx + 1) * w - now
  if count + permits > limit then
    if not denied or untilEnd > retry then
      local r = 0
      if count > 0 then r = untilEnd end
      denied, index, remaining, reset, retry = true, i, limit - count, r, untilEnd
    end
  elseif not denied and (index == 0 or limit - count - permits < remaining) then
    index, remaining, reset = i, limit - count - permits, untilEnd
  end
  if stored == idx then
    writes[i] = fc
  else
    moved = true
    writes[i] = {fi, fmt(idx), fc, fmt(count + permits)}
  end
  if untilEnd > ttl then ttl = untilEnd end
end

if denied then
  return {0, index, remaining, reset, retry}
end
for i = 1, n do
  local w = writes[i]
  if type(w) == 'string' then
    redis.call('HINCRBY', key, w, ARGV[1])
  else
    redis.call('HSET', key, unpack(w))
  end
end
if moved then
  redis.call('PEXPIRE', key, math.ceil(ttl / 1000) + 1)
end
return {1, index, remaining, reset, 0}
