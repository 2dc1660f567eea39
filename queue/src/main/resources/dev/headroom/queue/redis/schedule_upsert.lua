-- Creates or replaces a schedule. ARGV 8: the schedules index (ZSET name -> next tick), 9: the
-- schedule's hash, 10: name, 11: timing, 12: missed-ticks policy, 13: job type, 14: payload,
-- 15: priority, 16: max attempts, 17: timeout (ms), 18: retry spec, 19: first tick (ms).
-- The same timing keeps the stored next and last tick; another starts at the first tick. The new
-- version comes from the queue's sequence counter, so it is never reused, not even after a remove.
-- Schedule hash fields: v version, tm timing, ms missed policy, t/p/pr/ma/to/rs the job's type,
-- payload, priority, max attempts, timeout and retry spec, nx next tick, ls last tick (-1: none).
local next, last = ARGV[19], '-1'
if redis.call('HGET', ARGV[9], 'tm') == ARGV[11] then
  local f = redis.call('HMGET', ARGV[9], 'nx', 'ls')
  if f[1] then next = f[1] end
  if f[2] then last = f[2] end
end
local v = redis.call('INCR', KEYS[7])
redis.call('HSET', ARGV[9], 'v', v, 'tm', ARGV[11], 'ms', ARGV[12], 't', ARGV[13], 'p', ARGV[14],
  'pr', ARGV[15], 'ma', ARGV[16], 'to', ARGV[17], 'rs', ARGV[18], 'nx', next, 'ls', last)
redis.call('ZADD', ARGV[8], next, ARGV[10])
return v
