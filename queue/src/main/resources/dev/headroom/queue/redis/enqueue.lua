-- Stores jobs. ARGV from 8: ten per job: id, type, payload, priority, delay (ms), run-at (ms or
-- -1), max attempts, timeout (ms), retry spec, group (empty: none), the type's rate limit
-- ('jobs:window ms', empty: none). A job whose hash exists is left alone (idempotent
-- enqueue by id). Returns one flag per job: 1 stored, 0 existed.
local out = {}
local stored = 0
local n = (#ARGV - 7) / 11
for i = 0, n - 1 do
  local b = 7 + i * 11
  local id = ARGV[b + 1]
  local key = jobPrefix .. id
  if redis.call('EXISTS', key) == 1 then
    out[i + 1] = 0
  else
    local seq = redis.call('INCR', KEYS[7])
    local delay = tonumber(ARGV[b + 5])
    local runAt = tonumber(ARGV[b + 6])
    local ready = runAt < 0 and delay <= 0
    -- ready: waiting since now (rd); else delayed until its run-at (ra)
    local state, timeField, at = 'waiting', 'rd', now
    if not ready then
      if runAt < 0 then runAt = now + delay end
      state, timeField, at = 'delayed', 'ra', runAt
    end
    redis.call('HSET', key, 't', ARGV[b + 2], 'p', ARGV[b + 3], 'pr', ARGV[b + 4], 'sq', seq, 'ma', ARGV[b + 7],
      'at', 0, 'sl', 0, 'ts', fmt(now), 'to', ARGV[b + 8], 'rs', ARGV[b + 9], 'st', state, timeField, fmt(at))
    local g = ARGV[b + 10]
    if g ~= '' then redis.call('HSET', key, 'g', g) end
    if ARGV[b + 11] ~= '' then redis.call('HSET', key, 'rl', ARGV[b + 11]) end
    if ready then
      line(id, now, ARGV[b + 4], seq, g)
    else
      redis.call('ZADD', KEYS[2], fmt(runAt), id)
    end
    out[i + 1] = 1
    stored = stored + 1
  end
end
if stored > 0 then wake(stored) end
return out
