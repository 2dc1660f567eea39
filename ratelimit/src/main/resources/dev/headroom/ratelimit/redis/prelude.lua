--[[
Shared opening of every rate-limit script; RedisRateLimiter loads it in front of each algorithm's
script as one script (Redis has no includes), so the time read below exists once.

KEYS[1] is the state key. ARGV[1] is the permits asked for; ARGV[2] is empty to read the time from
the Redis server (TIME, so nodes with skewed clocks agree; replicate_commands lets a script that
reads TIME write on Redis before 5), or a time in microseconds for deterministic tests; then each
limit as a pair (permits, window in µs).

Defines: key, permits, now (µs), n (number of limits), fmt (a number as an integer string, without
exponent notation for large values).
]]
local key = KEYS[1]
local permits = tonumber(ARGV[1])
local now
if ARGV[2] == '' then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[2])
end
local n = (#ARGV - 2) / 2
local function fmt(x)
  if x < 1e14 and x > -1e14 then return tostring(x) end
  return string.format('%.0f', x)
end
