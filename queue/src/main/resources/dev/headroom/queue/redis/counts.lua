-- Returns {waiting, delayed, active, completed, dead, ms the head of the line (the longest of the
-- plain head and each group's head) has been ready}.
local head = redis.call('ZRANGE', KEYS[1], 0, 0)
local wait = 0
if #head > 0 then
  local rd = redis.call('HGET', jobPrefix .. string.sub(head[1], 17), 'rd')
  if rd then wait = math.max(0, now - tonumber(rd)) end
end
-- grouped waiting jobs: every group with waiting jobs is in the ring or in gfull
local waiting = redis.call('ZCARD', KEYS[1])
if redis.call('EXISTS', ringKey) == 1 or redis.call('EXISTS', fullKey) == 1 then
  local gs = redis.call('ZRANGE', ringKey, 0, -1)
  for _, g in ipairs(redis.call('SMEMBERS', fullKey)) do gs[#gs + 1] = g end
  for _, g in ipairs(gs) do
    waiting = waiting + redis.call('ZCARD', groupKey(g))
    local gh = redis.call('ZRANGE', groupKey(g), 0, 0)
    if #gh > 0 then
      local rd = redis.call('HGET', jobPrefix .. string.sub(gh[1], 17), 'rd')
      if rd then wait = math.max(wait, now - tonumber(rd)) end
    end
  end
end
return {waiting, redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[4]), redis.call('ZCARD', KEYS[5]), wait}
