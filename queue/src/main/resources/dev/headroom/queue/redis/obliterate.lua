-- Deletes up to ARGV[8] jobs in any state (ARGV[9] '1': running ones too); once none is left,
-- the sequence, wake list, events, group turns and counts and the rate-limit log (the paused flag
-- stays). Refuses (deleting nothing) unless
-- the queue is paused (-2), and while jobs run unless forced (-1). Returns how many jobs.
local batch = tonumber(ARGV[8])
if redis.call('EXISTS', KEYS[8]) == 0 then return -2 end
if ARGV[9] ~= '1' and redis.call('ZCARD', KEYS[3]) > 0 then return -1 end
local n = 0
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
for k = 1, 5 do
  if n < batch then
    local ids = redis.call('ZRANGE', KEYS[k], 0, batch - n - 1)
    for i = 1, #ids do
      redis.call('ZREM', KEYS[k], ids[i])
      local id = ids[i]
      if k == 1 then id = string.sub(id, 17) end
      redis.call('DEL', jobPrefix .. id)
      n = n + 1
    end
  end
end
if n < batch then
  redis.call('DEL', KEYS[6], KEYS[7], KEYS[9], ringKey, fullKey, runKey, base .. 'limiter')
  for _, t in ipairs(redis.call('SMEMBERS', base .. 'limited')) do
    redis.call('DEL', base .. 'limiter:' .. t, base .. 'tnext:' .. t)
  end
  redis.call('DEL', base .. 'limited')
end
return n
