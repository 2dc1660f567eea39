-- One operator's change. ARGV 8 op, 9 job id (ops on a job), 10 priority (op priority).
-- cancel: a waiting, delayed or retrying job is deleted (1); a running one is flagged cx (2); a
--   completed or dead one is left (3); none: 0.
-- remove: deletes a job that is not running (1); running: 2; none: 0.
-- promote: a delayed or retrying job goes in line, ready now (1); else 0.
-- priority: a waiting job moves to its new place (its ready time and sequence kept), a delayed or
--   retrying one gets the priority for later (1); else 0.
-- pause / resume: sets / deletes the paused flag; resume wakes idle workers. Returns 1.
local op = ARGV[8]
if op == 'pause' then
  redis.call('SET', KEYS[8], '1')
  return 1
elseif op == 'resume' then
  redis.call('DEL', KEYS[8])
  wake(16)
  return 1
end
local id = ARGV[9]
local key = jobPrefix .. id
local f = redis.call('HMGET', key, 'st', 'sq', 'rd', 'g')
local st = f[1]
if not st then return 0 end

local function delete()
  if st == 'waiting' and f[2] then
    unline(id, f[2], f[4])
  elseif st == 'delayed' or st == 'retrying' then
    redis.call('ZREM', KEYS[2], id)
  elseif st == 'completed' then
    redis.call('ZREM', KEYS[4], id)
  elseif st == 'dead' then
    redis.call('ZREM', KEYS[5], id)
  end
  redis.call('DEL', key)
end

if op == 'cancel' then
  if st == 'active' then
    redis.call('HSET', key, 'cx', '1')
    return 2
  elseif st == 'completed' or st == 'dead' then
    return 3
  end
  delete()
  return 1
elseif op == 'remove' then
  if st == 'active' then return 2 end
  delete()
  return 1
elseif op == 'promote' then
  if st ~= 'delayed' and st ~= 'retrying' then return 0 end
  redis.call('ZREM', KEYS[2], id)
  if toWaiting(key, id, now) then wake(1) end
  return 1
elseif op == 'priority' then
  if st == 'waiting' and f[2] and f[3] then
    unline(id, f[2], f[4])
    redis.call('HSET', key, 'pr', ARGV[10])
    line(id, tonumber(f[3]), ARGV[10], f[2], f[4])
    return 1
  elseif st == 'delayed' or st == 'retrying' then
    redis.call('HSET', key, 'pr', ARGV[10])
    return 1
  end
  return 0
end
return redis.error_reply('unknown op ' .. op)
