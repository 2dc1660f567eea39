-- Fires a schedule's due ticks, atomically: checks that the schedule still has the version and the
-- next tick the caller planned from (another process may have fired it, or it was replaced or
-- removed: then nothing changes and 0 is returned), then stores one job per tick, ready now, with
-- the id schedule:<name>:<tick> (an id whose job exists is left alone), sets the last tick to the
-- greatest one fired and the next to the caller's, and returns 1. Any process may call it; the
-- first one that finds the schedule as planned fires it, so each tick gets exactly one job.
-- ARGV 8: the schedules index, 9: the schedule's hash, 10: name, 11: version, 12: expected next
-- tick, 13: new next tick, from 14: the ticks to enqueue (ms), possibly none (missed and skipped).
local f = redis.call('HMGET', ARGV[9], 'v', 'nx', 't', 'p', 'pr', 'ma', 'to', 'rs', 'ls')
if f[1] ~= ARGV[11] or f[2] ~= ARGV[12] or not f[3] or not f[4] then
  return 0
end
local last = tonumber(f[9] or '-1')
local stored = 0
for i = 14, #ARGV do
  local id = 'schedule:' .. ARGV[10] .. ':' .. ARGV[i]
  local key = jobPrefix .. id
  if redis.call('EXISTS', key) == 0 then
    storeJob(key, id, f[3], f[4], f[5], 0, -1, f[6], f[7], f[8])
    stored = stored + 1
  end
  local tick = tonumber(ARGV[i])
  if tick > last then last = tick end
end
redis.call('HSET', ARGV[9], 'nx', ARGV[13], 'ls', fmt(last))
redis.call('ZADD', ARGV[8], ARGV[13], ARGV[10])
if stored > 0 then wake(stored) end
return 1
