-- Returns {waiting, delayed, active, completed, dead, ms the head of the line has been ready}.
local head = redis.call('ZRANGE', KEYS[1], 0, 0)
local wait = 0
if #head > 0 then
  local rd = redis.call('HGET', jobPrefix .. string.sub(head[1], 17), 'rd')
  if rd then wait = math.max(0, now - tonumber(rd)) end
end
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[4]), redis.call('ZCARD', KEYS[5]), wait}
