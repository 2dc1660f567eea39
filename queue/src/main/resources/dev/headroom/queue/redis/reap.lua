-- Returns jobs whose lease expired to their place in line (a stall, the attempt not counted), or
-- dead-letters them after more than ARGV[8] stalls (or at once when cancelled: reason cancelled);
-- then applies age retention. ARGV[9] events kept (0: none written). Returns {how many
-- leases had expired (of jobs still there), the type of each job dead-lettered, the ids of jobs
-- whose hash was gone (dead-lettered as missing)}.
-- Groups: a reaped job's group count goes down (release). Then, while any group runs or is at its
-- limit, the running counts are recounted from the active jobs themselves and every group at its
-- limit takes turns again (the next claim checks it anew), so no count outlives a lost job or a
-- crash mid-way through anything.
local maxStalls = tonumber(ARGV[8])
eventsMax = tonumber(ARGV[9] or '0')
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', fmt(now), 'LIMIT', 0, 1000)
local woke = 0
local buried = {}
local missing = {}
for i = 1, #expired do
  local id = expired[i]
  local key = jobPrefix .. id
  redis.call('ZREM', KEYS[3], id)
  local f = redis.call('HMGET', key, 't', 'rd', 'pr', 'sq', 'at', 'g')
  if not (f[1] and f[2] and f[3] and f[4] and f[5]) then
    buryMissing(key, id)
    missing[#missing + 1] = id
  else
    redis.call('HDEL', key, 'lt')
    release(f[6])
    event('stalled', key, id)
    redis.call('HINCRBY', key, 'at', -1)
    local stalls = redis.call('HINCRBY', key, 'sl', 1)
    if redis.call('HEXISTS', key, 'cx') == 1 then
      bury(key, id, 'cancelled', 'stalled', 'the job\'s lease expired ' .. stalls
        .. ' times (its worker died or lost the store while running it)', '')
    elseif stalls > maxStalls then
      buried[#buried + 1] = f[1]
      bury(key, id, 'stalled', 'stalled', 'the job\'s lease expired ' .. stalls
        .. ' times (its worker died or lost the store while running it)', '')
    else
      toWaiting(key, id, tonumber(f[2]), f[3], f[4], f[6])
      woke = woke + 1
    end
  end
end
if redis.call('EXISTS', runKey) == 1 or redis.call('EXISTS', fullKey) == 1 then
  local counts = {}
  for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
    local g = redis.call('HGET', jobPrefix .. id, 'g')
    if g then counts[g] = (counts[g] or 0) + 1 end
  end
  redis.call('DEL', runKey)
  for g, n in pairs(counts) do
    redis.call('HSET', runKey, g, n)
  end
  for _, g in ipairs(redis.call('SMEMBERS', fullKey)) do
    redis.call('SREM', fullKey, g)
    if redis.call('EXISTS', groupKey(g)) == 1 then
      inTurn(g)
      woke = woke + 1
    end
  end
end
if woke > 0 then wake(woke) end
trimAge(KEYS[4], completedAge)
trimAge(KEYS[5], deadAge)
return {#expired - #missing, buried, missing}
