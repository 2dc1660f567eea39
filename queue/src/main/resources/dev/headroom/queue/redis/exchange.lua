-- A worker's one round trip: settle answered jobs, then claim ready ones.
-- ARGV 8 lease (ms), 9 claim max, 10 token prefix, 11 settlements, then nine per settlement:
-- id, lease token, kind (c complete, r retry, d dead, g give back), retry delay (ms), error class,
-- error message, error stack, dead reason, result (bytes, empty for none); then the number of lost
-- claims and their token prefixes; then the events kept (0: none written).
-- While the queue is paused (KEYS[8] exists) settlements apply but nothing is claimed.
-- Returns {accepted flags, claimed (eleven fields per job), ms until the next delayed job is due or -1
-- (when fewer than claim max were claimed), now, ids dead-lettered as missing, jobs released}.
-- A job is read and checked before anything about it changes: one whose hash is gone (evicted or
-- deleted) is dead-lettered as missing and the others are claimed as usual.
local lease = tonumber(ARGV[8])
local claimMax = tonumber(ARGV[9])
local accepted = {}
local nS = tonumber(ARGV[11])
local woke = 0
local missing = {}

-- Lost claims: earlier calls of this process that timed out on the client, so it never learnt what
-- they claimed, though Redis may have run them (this call comes after them on the connection). Jobs
-- still held under such a token go back to their place in line: the attempt and no stall counted,
-- as nobody ran them. Scans the active jobs, so only calls after a timeout carry any.
local lb = 12 + nS * 9
local nL = tonumber(ARGV[lb] or '0')
eventsMax = tonumber(ARGV[lb + nL + 1] or '0')
local released = 0
if nL > 0 then
  local lost = {}
  for i = 1, nL do
    lost[ARGV[lb + i]] = true
  end
  local held = redis.call('ZRANGE', KEYS[3], 0, -1)
  for _, id in ipairs(held) do
    local key = jobPrefix .. id
    local lt = redis.call('HGET', key, 'lt')
    local prefix = lt and string.match(lt, '^(.*:)')
    if prefix and lost[prefix] then
      local f = redis.call('HMGET', key, 'rd', 'pr', 'sq', 'at')
      redis.call('ZREM', KEYS[3], id)
      if f[4] then
        redis.call('HINCRBY', key, 'at', -1)
      end
      redis.call('HDEL', key, 'lt')
      if toWaiting(key, id, tonumber(f[1]), f[2], f[3]) then
        woke = woke + 1
      else
        missing[#missing + 1] = id
      end
      released = released + 1
    end
  end
end

for i = 0, nS - 1 do
  local b = 11 + i * 9
  local id = ARGV[b + 1]
  local key = jobPrefix .. id
  local ok = 0
  if redis.call('HGET', key, 'lt') == ARGV[b + 2] and redis.call('ZREM', KEYS[3], id) == 1 then
    ok = 1
    local kind = ARGV[b + 3]
    if kind == 'c' then
      if ARGV[b + 9] ~= '' then redis.call('HSET', key, 'rv', ARGV[b + 9]) end
      event('completed', key, id)
      complete(key, id)
    elseif kind == 'r' and redis.call('HEXISTS', key, 'cx') == 1 then
      -- cancelled while running: a failure is not retried (the worker may not have known yet)
      bury(key, id, 'cancelled', ARGV[b + 5], ARGV[b + 6], ARGV[b + 7])
    elseif kind == 'r' then
      redis.call('HSET', key, 'ec', ARGV[b + 5], 'em', ARGV[b + 6], 'es', ARGV[b + 7])
      redis.call('HDEL', key, 'lt')
      event('failed', key, id, 'ec', ARGV[b + 5], 'em', ARGV[b + 6])
      local delay = tonumber(ARGV[b + 4])
      if delay > 0 then
        redis.call('ZADD', KEYS[2], fmt(now + delay), id)
        redis.call('HSET', key, 'st', 'retrying', 'ra', fmt(now + delay))
      elseif toWaiting(key, id, now) then
        woke = woke + 1
      else
        missing[#missing + 1] = id
      end
    elseif kind == 'd' then
      bury(key, id, ARGV[b + 8], ARGV[b + 5], ARGV[b + 6], ARGV[b + 7])
    else
      redis.call('HINCRBY', key, 'at', -1)
      redis.call('HDEL', key, 'lt')
      local f = redis.call('HMGET', key, 'rd', 'pr', 'sq')
      if toWaiting(key, id, tonumber(f[1]), f[2], f[3]) then
        woke = woke + 1
      else
        missing[#missing + 1] = id
      end
    end
  end
  accepted[i + 1] = ok
end
if woke > 0 then wake(woke) end

local claimed = {}
local nextDue = -1
if claimMax > 0 then
  local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', fmt(now), 'WITHSCORES', 'LIMIT', 0, 1000)
  for j = 1, #due, 2 do
    redis.call('ZREM', KEYS[2], due[j])
    if not toWaiting(jobPrefix .. due[j], due[j], tonumber(due[j + 1])) then
      missing[#missing + 1] = due[j]
    end
  end
  local paused = redis.call('EXISTS', KEYS[8]) == 1
  local popped = {}
  if not paused then
    popped = redis.call('ZPOPMIN', KEYS[1], claimMax)
  end
  local deadline = fmt(now + lease)
  for j = 1, #popped, 2 do
    local id = string.sub(popped[j], 17)
    local key = jobPrefix .. id
    local token = ARGV[10] .. ((j - 1) / 2)
    local f = redis.call('HMGET', key, 't', 'p', 'pr', 'ma', 'ts', 'to', 'rs', 'at', 'fc')
    local intact = true
    for k = 1, 8 do
      if not f[k] then intact = false end
    end
    if not intact then
      buryMissing(key, id)
      missing[#missing + 1] = id
    else
      local att = tonumber(f[8]) + 1
      local first = 0
      if f[9] then
        redis.call('HSET', key, 'st', 'active', 'lt', token, 'at', att)
      else
        first = 1
        redis.call('HSET', key, 'st', 'active', 'lt', token, 'at', att, 'fc', fmt(now))
      end
      redis.call('ZADD', KEYS[3], deadline, id)
      local c = #claimed
      claimed[c + 1] = id
      claimed[c + 2] = f[1]
      claimed[c + 3] = f[2]
      claimed[c + 4] = tonumber(f[3])
      claimed[c + 5] = att
      claimed[c + 6] = tonumber(f[4])
      claimed[c + 7] = tonumber(f[5])
      claimed[c + 8] = tonumber(f[6])
      claimed[c + 9] = f[7]
      claimed[c + 10] = token
      claimed[c + 11] = first
    end
  end
  -- ZPOPMIN answers member and score: fewer than claimMax jobs left some claimer waiting (while
  -- paused it waits its poll interval: resuming wakes it)
  if #popped < 2 * claimMax and not paused then
    local nd = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    if #nd > 0 then
      nextDue = math.max(0, tonumber(nd[2]) - now)
    end
  end
end
return {accepted, claimed, nextDue, now, missing, released}
