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
limit (all or nothing; a denial writes nothing). It is evaluated exactly, in integers, as in the
in-memory backend (SlidingCounterState): counts are whole, so the test is current + p +
ceil(previous * (w - d) / w) <= limit, and that product (up to 2^40 x 2^45) is computed in base-2^26
digits, since doubles hold integers exactly only up to 2^53. The error is bounded by the
previous window's count: an aligned window never exceeds the limit, and a sliding window of length
w admits at most limit + previous * d / w, always less than twice the limit. Within a window an
admission is one HINCRBY of the current count per limit; a new window rewrites the three fields.

When denied, the wait is when the estimate first admits the request if nothing else arrives:
later in this window once the previous window's weight has fallen enough, or in the next window,
where the current count becomes the previous one (exact: the first microsecond that admits).

Time comes from the server (TIME), never from callers. The hash expires when the current window's
count stops mattering, at the end of the next window. That instant only moves when a window index
does, so the expiry is set then (and on a new key) rather than on every call.

Returns {allowed 0|1, index of the limit reported on (1-based), remaining, resetAfter µs, retryAfter µs}.

Runs after prelude.lua, which defines key, permits, now (µs), n (number of limits) and fmt.
]]

-- Exact integer arithmetic on doubles: a product of two integers below 2^52 as three base-2^26
-- digits (every partial result stays below 2^53, so each is exact), compared digit by digit.
local B = 67108864
local function mul(a, b)
  local a1, a0 = math.floor(a / B), a % B
  local b1, b0 = math.floor(b / B), b % B
  local t = a0 * b0
  local x = a1 * b0 + a0 * b1 + math.floor(t / B)
  return a1 * b1 + math.floor(x / B), x % B, t % B
end
local function cmpmul(a, b, c, d)
  local h1, m1, l1 = mul(a, b)
  local h2, m2, l2 = mul(c, d)
  if h1 ~= h2 then if h1 < h2 then return -1 end return 1 end
  if m1 ~= m2 then if m1 < m2 then return -1 end return 1 end
  if l1 ~= l2 then if l1 < l2 then return -1 end return 1 end
  return 0
end
-- floor(a * b / c): the double quotient is off by at most one here, and corrected exactly
local function floormuldiv(a, b, c)
  local q = math.floor(a * b / c)
  while q > 0 and cmpmul(q, c, a, b) > 0 do q = q - 1 end
  while cmpmul(q + 1, c, a, b) <= 0 do q = q + 1 end
  return q
end
local function ceilmuldiv(a, b, c)
  local q = floormuldiv(a, b, c)
  if cmpmul(q, c, a, b) < 0 then q = q + 1 end
  return q
end

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
  local weighted = 0
  if prev > 0 then weighted = ceilmuldiv(prev, w - d, w) end
  if curr + permits + weighted <= limit then
    local left = limit - curr - permits - weighted
    if not denied and (index == 0 or left < remaining) then
      index, remaining, reset = i, left, 2 * w - d
    end
  else
    local wait
    if curr + permits <= limit then
      wait = math.max(1, w - floormuldiv(limit - curr - permits, w, prev) - d)
    else
      wait = (w - d) + w - floormuldiv(limit - permits, w, curr)
    end
    if not denied or wait > retry then
      local r = 0
      if curr > 0 then r = 2 * w - d elseif prev > 0 then r = w - d end
      denied, index, remaining, reset, retry = true, i, math.max(0, limit - curr - weighted), r, wait
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
