--[[
Sliding window counter: O(1) state per limit, one round trip per decision.

KEYS[1]  a hash; per limit (w = its window in microseconds) the fields i:<w> (index of the current
         aligned window), p:<w> (count of the previous window), c:<w> (count of the current one)
ARGV[1]  permits asked for
ARGV[2]  "" to read the time from the server (TIME), or a time in microseconds (test hook only)
ARGV[3…] pairs of (limit, window in microseconds)

At offset d into the current window, the previous window still overlaps the sliding window by
w - d, and its count is assumed spread evenly over it:

    estimate = current + previous * (w - d) / w

A request of p permits is admitted iff current + p + previous * (w - d) / w <= limit for every
limit (all or nothing; a denial writes nothing). The expression is evaluated in the same order as
the in-memory backend (SlidingCounterState) so both decide alike. The error is bounded by the
previous window's count: an aligned window never exceeds the limit, and a sliding window of length
w admits at most limit + previous * d / w, always less than twice the limit. Within a window an
admission is one HINCRBY of the current count per limit; a new window rewrites the three fields.

When denied, the wait is when the estimate first admits the request if nothing else arrives:
later in this window once the previous window's weight has fallen enough, or in the next window,
where the current count becomes the previous one (plus one microsecond against rounding).

Time comes from the server (TIME), never from callers. The hash expires when the current window's
count stops mattering, at the end of the next window. That instant only moves when a window index
does, so the expiry is set then (and on a new key) rather than on every call.

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
  local fi, fp, fc = 'i:' .. ws, 'p:' .. ws, 'c:' .. ws
  local state = redis.call('HMGET', key, fi, fp, fc)
  local stored = tonumber(state[1])
  local idx = math.floor(now / w)
  if stored and stored > idx then idx = stored end
  local d = now - idx * w
  if d < 0 then d = 0 end
  local prev, curr = 0, 0
  if stored == idx then
    prev, curr = tonumber(state[2]), tonumber(state[3])
  elseif stored == idx - 1 then
    prev = tonumber(state[3])
  end
  local weighted = prev * (w - d) / w
  if curr + permits + weighted <= limit then
    local left = math.floor(limit - curr - permits - weighted)
    if not denied and (index == 0 or left < remaining) then
      index, remaining, reset = i, left, 2 * w - d
    end
  else
    local wait
    if curr + permits <= limit then
      wait = math.max(1, math.ceil(w - (limit - curr - permits) * w / prev - d) + 1)
    else
      wait = (w - d) + math.ceil(w - (limit - permits) * w / curr) + 1
    end
    if not denied or wait > retry then
      local r = 0
      if curr > 0 then r = 2 * w - d elseif prev > 0 then r = w - d end
      denied, index, remaining, reset, retry = true, i, math.max(0, math.floor(limit - curr - weighted)), r, wait
    end
  end
  if stored == idx then
    writes[i] = fc
  else
    moved = true
    writes[i] = {fi, fmt(idx), fp, fmt(prev), fc, fmt(curr + permits)}
  end
  if 2 * w - d > ttl then ttl = 2 * w - d end
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
