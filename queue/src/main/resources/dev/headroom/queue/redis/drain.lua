-- Deletes up to ARGV[8] waiting, then delayed and retrying, jobs. Returns how many.
local batch = tonumber(ARGV[8])
local n = 0
local ready = redis.call('ZRANGE', KEYS[1], 0, batch - 1)
for i = 1, #ready do
  redis.call('ZREM', KEYS[1], ready[i])
  redis.call('DEL', jobPrefix .. string.sub(ready[i], 17))
  n = n + 1
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
