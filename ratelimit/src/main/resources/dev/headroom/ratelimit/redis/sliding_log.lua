--[[
Sliding log: the exact algorithm, one round trip per decision.

KEYS[1]  a sorted set of admissions: score = admission time in microseconds, one member per permit
ARGV[1]  permits asked for
ARGV[2]  "" to read the time from the server (TIME), or a time in microseconds (test hook only)
ARGV[3…] pairs of (limit, window in microseconds), one per limit of the policy

An admission at t counts at time now iff now - t < window. All limits share one set: it is
trimmed to the longest window and each limit counts its own window with ZCOUNT, so a composite
policy costs one key. The request is admitted only if every limit admits it (all or nothing); a
denial writes nothing. When denied, the wait for limit i is the time until the k-th oldest
admission in its window leaves it, k = count + permits - limit. Members are "<time>-<n>" with n
the set's size: the size only grows within one microsecond, so members never collide. A request
asks for at most 1000 permits (RateLimitPolicy.MAX_SLIDING_LOG_PERMITS, checked by the caller), so
one call writes at most 1000 members in one ZADD.

Time comes from the server, never from callers, so nodes with skewed clocks agree. The set
expires just past the longest window after its newest admission: an idle key costs nothing.
Numbers passed to redis.call go through fmt: Lua prints numbers with 14 significant digits, which
would lose the microseconds of a timestamp, so those are formatted with %.0f.

Returns {allowed 0|1, index of the limit reported on (1-based), remaining, resetAfter µs, retryAfter µs};
the reported limit is the denying one with the longest wait, or the one with the fewest permits left.

Runs after prelude.lua, which defines key, permits, now (µs), n (number of limits) and fmt.
]]
local longest = 0
for i = 1, n do
  local w = tonumber(ARGV[2 + 2 * i])
  if w > longest then longest = w end
end

redis.call('ZREMRANGEBYSCORE', key, '-inf', fmt(now - longest))

local denied, index, remaining, reset, retry = false, 0, 0, 0, 0
for i = 1, n do
  local limit = tonumber(ARGV[1 + 2 * i])
  local w = tonumber(ARGV[2 + 2 * i])
  local from = '(' .. fmt(now - w)
  local count = redis.call('ZCOUNT', key, from, '+inf')
  if count + permits > limit then
    local k = count + permits - limit
    local oldest = redis.call('ZRANGEBYSCORE', key, from, '+inf', 'WITHSCORES', 'LIMIT', k - 1, 1)
    local wait = tonumber(oldest[2]) + w - now
    if not denied or wait > retry then
      local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
      denied, index, remaining, reset, retry = true, i, limit - count, tonumber(newest[2]) + w - now, wait
    end
  elseif not denied and (index == 0 or limit - count - permits < remaining) then
    index, remaining, reset = i, limit - count - permits, w
  end
end

if denied then
  return {0, index, remaining, reset, retry}
end
local size = redis.call('ZCARD', key)
local at = fmt(now)
local members = {}
for j = 1, permits do
  members[2 * j - 1] = at
  members[2 * j] = at .. '-' .. fmt(size + j)
end
redis.call('ZADD', key, unpack(members))
redis.call('PEXPIRE', key, math.ceil(longest / 1000) + 1)
return {1, index, remaining, reset, 0}
