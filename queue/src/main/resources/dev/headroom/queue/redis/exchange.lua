-- A worker's one round trip: settle answered jobs, then claim ready ones.
-- ARGV 8 lease (ms), 9 claim max, 10 token prefix, 11 settlements, then nine per settlement:
-- id, lease token, kind (c complete, r retry, d dead, g give back), retry delay (ms), error class,
-- error message, error stack, dead reason, result (bytes, empty for none); then the number of lost
-- claims and their token prefixes; then the events kept (0: none written); then the rate limit
-- (jobs per window, 0: none; window in ms), the running limit of a group, the number of groups
-- with a limit of their own and, for each, its name and limit.
-- While the queue is paused (KEYS[8] exists) settlements apply but nothing is claimed.
-- Rate limit: a log of the starts within the window (base..'limiter'); a claim takes at most what
-- it leaves, and when it leaves fewer than claim max while jobs wait, the reply's next-due time is
-- when the oldest start leaves the window, so idle workers wait until then (or a wake-up).
-- Groups: when the ring (see prelude) is empty the claim is the plain ZPOPMIN. Otherwise each job
-- is either the plain head or the head of the group whose turn it is, whichever has the earlier
-- place; a group served goes to the back of the ring, one at its limit moves to gfull.
-- A job type's rate limit travels with its jobs (field rl, 'jobs:window ms'): a job whose type used
-- up its window is not claimed but deferred to delayed, at its turn in the type's schedule
-- (base..'tnext:'..type: each deferral books the next window/jobs ms), so a backlog of a limited
-- type returns a few at a time instead of all at once; the claim takes the next job instead.
-- Returns {accepted flags, claimed (eleven fields per job), ms until the next delayed job is due or
-- the next start is allowed, or -1 (when fewer than claim max were claimed), now, ids dead-lettered
-- as missing, jobs released}.
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
      local f = redis.call('HMGET', key, 'rd', 'pr', 'sq', 'at', 'g')
      redis.call('ZREM', KEYS[3], id)
      if f[4] then
        redis.call('HINCRBY', key, 'at', -1)
      end
      redis.call('HDEL', key, 'lt')
      release(f[5])
      if toWaiting(key, id, tonumber(f[1]), f[2], f[3], f[5]) then
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
  local held = redis.call('HMGET', key, 'lt', 'g', 't', 'at')
  if held[1] == ARGV[b + 2] and redis.call('ZREM', KEYS[3], id) == 1 then
    ok = 1
    if held[2] and release(held[2]) then woke = woke + 1 end
    local kind = ARGV[b + 3]
    if kind == 'c' then
      if ARGV[b + 9] ~= '' then redis.call('HSET', key, 'rv', ARGV[b + 9]) end
      eventOf('completed', id, held[3], held[4])
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
      local f = redis.call('HMGET', key, 'rd', 'pr', 'sq', 'g')
      if toWaiting(key, id, tonumber(f[1]), f[2], f[3], f[4]) then
        woke = woke + 1
      else
        missing[#missing + 1] = id
      end
    end
  end
  accepted[i + 1] = ok
end
completeAll()
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
  local ab = lb + nL + 2
  local limitJobs = tonumber(ARGV[ab] or '0')
  local limitWindow = tonumber(ARGV[ab + 1] or '0')
  local limiter = base .. 'limiter'
  local allowed = claimMax
  if limitJobs > 0 and not paused then
    redis.call('ZREMRANGEBYSCORE', limiter, '-inf', fmt(now - limitWindow))
    allowed = math.max(0, math.min(claimMax, limitJobs - redis.call('ZCARD', limiter)))
  end
  local deadline = fmt(now + lease)
  local tries = 0
  -- the claimed jobs' active entries (deadline, id), added in one ZADD after the claims
  local leased = {}
  -- claims the waiting job of member (taken out of its line already); g: its group or false.
  -- Answers 1 claimed, 0 missing (dead-lettered), -1 deferred by its type's rate limit.
  local function take(member, g)
    local id = string.sub(member, 17)
    local key = jobPrefix .. id
    local token = ARGV[10] .. tries
    tries = tries + 1
    local f = redis.call('HMGET', key, 't', 'p', 'pr', 'ma', 'ts', 'to', 'rs', 'at', 'fc', 'rl')
    local intact = true
    for k = 1, 8 do
      if not f[k] then intact = false end
    end
    if not intact then
      buryMissing(key, id)
      missing[#missing + 1] = id
      return 0
    end
    local typeLimiter
    if f[10] then
      local lj, lw = string.match(f[10], '^(%d+):(%d+)$')
      lj, lw = tonumber(lj), tonumber(lw)
      typeLimiter = base .. 'limiter:' .. f[1]
      redis.call('ZREMRANGEBYSCORE', typeLimiter, '-inf', fmt(now - lw))
      if redis.call('ZCARD', typeLimiter) >= lj then
        local oldest = redis.call('ZRANGE', typeLimiter, 0, 0, 'WITHSCORES')
        local at = tonumber(oldest[2]) + lw
        local nextKey = base .. 'tnext:' .. f[1]
        local booked = tonumber(redis.call('GET', nextKey) or '0')
        if booked > at then at = booked end
        redis.call('SET', nextKey, fmt(at + math.max(1, math.floor(lw / lj))), 'PX',
          fmt(at - now + lw))
        redis.call('ZADD', KEYS[2], fmt(at), id)
        redis.call('HSET', key, 'st', 'delayed', 'ra', fmt(at))
        return -1
      end
    end
    local att = tonumber(f[8]) + 1
    local first = 0
    if f[9] then
      redis.call('HSET', key, 'st', 'active', 'lt', token, 'at', att)
    else
      first = 1
      redis.call('HSET', key, 'st', 'active', 'lt', token, 'at', att, 'fc', fmt(now))
    end
    leased[#leased + 1] = deadline
    leased[#leased + 1] = id
    if g then redis.call('HINCRBY', runKey, g, 1) end
    if limitJobs > 0 then redis.call('ZADD', limiter, fmt(now), token) end
    if typeLimiter then
      redis.call('ZADD', typeLimiter, fmt(now), token)
      redis.call('SADD', base .. 'limited', f[1])
    end
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
    return 1
  end
  local taken = 0
  -- claims up to n plain jobs; pops again (a few times) for jobs deferred by their type's limit
  local function takePlain(n)
    local got = 0
    for round = 1, 8 do
      local popped = redis.call('ZPOPMIN', KEYS[1], n - got)
      local deferred = 0
      for j = 1, #popped, 2 do
        if take(popped[j], false) < 0 then deferred = deferred + 1 end
      end
      got = got + #popped / 2 - deferred
      if deferred == 0 or got >= n then break end
    end
    return got
  end
  if not paused and allowed > 0 then
    if redis.call('EXISTS', ringKey) == 0 then
      taken = takePlain(allowed)
    else
      local limits = {}
      local groupLimit = tonumber(ARGV[ab + 2] or '2147483647')
      local nG = tonumber(ARGV[ab + 3] or '0')
      for k = 1, nG do
        limits[ARGV[ab + 2 + 2 * k]] = tonumber(ARGV[ab + 3 + 2 * k])
      end
      local looks = 0
      while taken < allowed and looks < allowed + 64 do
        looks = looks + 1
        local head = redis.call('ZRANGE', ringKey, 0, 0)
        if #head == 0 then
          taken = taken + takePlain(allowed - taken)
          break
        end
        local g = head[1]
        local gk = groupKey(g)
        local limit = limits[g] or groupLimit
        local running = tonumber(redis.call('HGET', runKey, g) or '0')
        local gh = redis.call('ZRANGE', gk, 0, 0, 'WITHSCORES')
        if running >= limit then
          redis.call('ZREM', ringKey, g)
          redis.call('SADD', fullKey, g)
        elseif #gh == 0 then
          redis.call('ZREM', ringKey, g)
        else
          local u = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          local us = #u > 0 and tonumber(u[2])
          local gs = tonumber(gh[2])
          local took
          if us and (us < gs or (us == gs and u[1] < gh[1])) then
            redis.call('ZREM', KEYS[1], u[1])
            took = take(u[1], false)
          else
            redis.call('ZREM', gk, gh[1])
            took = take(gh[1], g)
            if took > 0 then running = running + 1 end
            if running >= limit then
              redis.call('ZREM', ringKey, g)
              redis.call('SADD', fullKey, g)
            elseif redis.call('EXISTS', gk) == 0 then
              redis.call('ZREM', ringKey, g)
            else
              local last = redis.call('ZRANGE', ringKey, -1, -1, 'WITHSCORES')
              redis.call('ZADD', ringKey, tonumber(last[2]) + 1, g)
            end
          end
          if took >= 0 then taken = taken + 1 end
        end
      end
    end
  end
  if #leased > 0 then redis.call('ZADD', KEYS[3], unpack(leased)) end
  -- fewer than claimMax jobs left some claimer waiting (while paused it waits its poll interval:
  -- resuming wakes it)
  if taken < claimMax and not paused then
    local nd = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    if #nd > 0 then
      nextDue = math.max(0, tonumber(nd[2]) - now)
    end
    if allowed < claimMax
        and (redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', ringKey) == 1) then
      local oldest = redis.call('ZRANGE', limiter, 0, 0, 'WITHSCORES')
      if #oldest > 0 then
        local slot = math.max(0, tonumber(oldest[2]) + limitWindow - now)
        if nextDue < 0 or slot < nextDue then nextDue = slot end
      end
    end
  end
end
return {accepted, claimed, nextDue, now, missing, released}
