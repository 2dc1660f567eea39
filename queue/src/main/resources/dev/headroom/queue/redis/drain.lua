-- Deletes up to ARGV[8] waiting (plain, then grouped), then delayed and retrying, jobs. Returns how
-- many.
local batch = tonumber(ARGV[8])
local n = 0
local ready = redis.call('ZRANGE', KEYS[1], 0, batch - 1)
for i = 1, #ready do
  redis.call('ZREM', KEYS[1], ready[i])
  redis.call('DEL', jobPrefix .. string.sub(ready[i], 17))
  n = n + 1
end
if n < batch then
  local gs = redis.call('ZRANGE', ringKey, 0, -1)
  for _, g in ipairs(redis.call('SMEMBERS', fullKey)) do gs[#gs + 1] = g end
  for _, g in ipairs(gs) do
    if n < batch then
      local members = redis.call('ZRANGE', groupKey(g), 0, batch - n - 1)
      for i = 1, #members do
        redis.call('ZREM', groupKey(g), members[i])
        redis.call('DEL', jobPrefix .. string.sub(members[i], 17))
        n = n + 1
      end
      if redis.call('EXISTS', groupKey(g)) == 0 then redis.call('ZREM', ringKey, g) end
    end
  end
end
if n < batch then
  local later = redis.call('ZRANGE', KEYS[2], 0, batch - n - 1)
  for i = 1, #later do
    redis.call('ZREM', KEYS[2], later[i])
    redis.call('DEL', jobPrefix .. later[i])
    n = n + 1
  end
end
return n
