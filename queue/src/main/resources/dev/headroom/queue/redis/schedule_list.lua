-- Lists schedules, soonest next tick first. ARGV 8: the schedules index, 9: the schedule hash
-- prefix, 10: one name, or empty for all. Returns, per schedule: name, version, timing, missed
-- policy, type, payload, priority, max attempts, timeout, retry spec, next tick, last tick. A name
-- whose hash is gone is left out.
local names
if ARGV[10] == '' then
  names = redis.call('ZRANGE', ARGV[8], 0, -1)
else
  names = {ARGV[10]}
end
local out = {}
for i = 1, #names do
  local f = redis.call('HMGET', ARGV[9] .. names[i], 'v', 'tm', 'ms', 't', 'p', 'pr', 'ma', 'to', 'rs', 'nx', 'ls')
  if f[1] and f[2] and f[10] then
    out[#out + 1] = names[i]
    for j = 1, 11 do
      out[#out + 1] = f[j] or ''
    end
  end
end
return out
