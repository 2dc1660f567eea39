--[[
Token bucket as GCRA (generic cell rate algorithm), one round trip per decision.

KEYS[1]  a hash; per limit (w = its window in microseconds) the field t:<w>, the theoretical
         arrival time (TAT) in microseconds
ARGV[1]  permits asked for
ARGV[2]  "" to read the time from the server (TIME), or a time in microseconds (test hook only)
ARGV[3…] pairs of (limit, window in microseconds)

A bucket of `limit` tokens refilled continuously at `limit` per window is fully described by one
number: the time at which it would be full again (the TAT). With T = w / limit (the time one token
takes to refill), taking p tokens moves the TAT to max(TAT, now) + p * T, and is allowed iff the
new TAT is at most one window ahead of now (the bucket never holds more than `limit`). Tokens left
= (w - (TAT - now)) / T. This is the same bucket as Bucket4j's greedy refill used in memory, in one
field instead of a token count and a refill timestamp, and without Bucket4j's compare-and-swap
round trips. All limits must admit (all or nothing; a denial writes nothing); a denied request
may retry once the TAT has fallen back to within a window: retryAfter = newTAT - w - now.

Time comes from the server. The hash expires when the fullest-to-be bucket is full again (TAT),
since a full bucket needs no state. TATs are stored with 17 significant digits so they round-trip.

Returns {allowed 0|1, index of the limit reported on (1-based), remaining, resetAfter µs, retryAfter µs}.

Runs after prelude.lua, which defines key, permits, now (µs), n (number of limits) and fmt.
]]
local EPS = 0.001

local denied, index, remaining, reset, retry = false, 0, 0, 0, 0
local writes = {}
local ttl = 0
for i = 1, n do
  local limit = tonumber(ARGV[1 + 2 * i])
  local ws = ARGV[2 + 2 * i]
  local w = tonumber(ws)
  local T = w / limit
  local tat = tonumber(redis.call('HGET', key, 't:' .. ws)) or now
  if tat < now then tat = now end
  local newTat = tat + permits * T
  if newTat - now <= w + EPS then
    local left = math.floor((w - (newTat - now)) / T + EPS)
    if not denied and (index == 0 or left < remaining) then
      index, remaining, reset = i, left, math.ceil(newTat - now)
    end
  else
    local wait = math.ceil(newTat - w - now)
    if not denied or wait > retry then
      denied, index, remaining, reset, retry =
        true, i, math.max(0, math.floor((w - (tat - now)) / T + EPS)), math.ceil(tat - now), math.max(1, wait)
    end
  end
  writes[#writes + 1] = 't:' .. ws
  writes[#writes + 1] = string.format('%.17g', newTat)
  if newTat - now > ttl then ttl = newTat - now end
end

if denied then
  return {0, index, remaining, reset, retry}
end
redis.call('HSET', key, unpack(writes))
redis.call('PEXPIRE', key, math.ceil(ttl / 1000) + 1)
return {1, index, remaining, reset, 0}
