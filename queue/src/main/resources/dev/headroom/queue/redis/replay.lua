-- Moves dead letters back in line, attempts, stalls and error cleared. ARGV 8 spacing (ms, may be
-- fractional), then ids; the i-th replayed (0-based) is ready floor(i * spacing) ms from now.
-- Returns how many were replayed: dead letters left of a missing job (no type, priority or
-- sequence) stay where they are.
local spacing = tonumber(ARGV[8])
local n = 0
for i = 9, #ARGV do
  local id = ARGV[i]
  local key = jobPrefix .. id
  local f = redis.call('HMGET', key, 't', 'pr', 'sq')
  if f[1] and f[2] and f[3] and redis.call('ZREM', KEYS[5], id) == 1 then
    redis.call('HSET', key, 'at', 0, 'sl', 0)
    redis.call('HDEL', key, 'ec', 'em', 'es', 'rn', 'fa', 'lt', 'cx', 'pg')
    local at = now + math.floor(n * spacing)
    if at > now then
      redis.call('ZADD', KEYS[2], fmt(at), id)
      redis.call('HSET', key, 'st', 'delayed', 'ra', fmt(at))
    else
      toWaiting(key, id, now)
    end
    n = n + 1
  end
end
if n > 0 then wake(n) end
return n
