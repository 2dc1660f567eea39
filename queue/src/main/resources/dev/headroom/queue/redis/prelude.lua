--[[
Shared opening of every queue script; RedisBroker loads it in front of each script as one script
(Redis has no includes). The protocol itself is described on RedisBroker.

KEYS (the same for every script, all under the queue's hash tag, so one slot on a Cluster):
  1 waiting ZSET   member = 16-digit sequence .. id, score = readyAt - priority * agingStep
  2 delayed ZSET   member = id, score = run-at (ms)
  3 active ZSET    member = id, score = lease deadline (ms)
  4 completed ZSET member = id, score = finished at (ms)
  5 dead ZSET      member = id, score = died at (ms)
  6 wake LIST      tokens that wake one blocked worker each (BLPOP)
  7 seq STRING     the sequence counter (FIFO within a priority)
  8 paused STRING  present while the queue is paused: claims take nothing
  9 events STREAM  job events for subscribers (XADD MAXLEN ~ eventsMax), when eventsMax > 0
Job hashes live at ARGV[2] .. id, in the same slot (built from the same tagged prefix).
Groups and the rate limit use keys beside them, built the same way (base = ARGV[2] without 'job:'):
  base..'groups'   ZSET  the turn ring: groups with waiting jobs, score = turn (served lowest first)
  base..'gfull'    SET   groups found at their running limit: out of turn until one of theirs stops
  base..'grun'     HASH  group -> jobs of the group running now
  base..'gw:'..g   ZSET  the waiting jobs of group g (members and scores as in waiting)
  base..'limiter'  ZSET  rate limit: one member per start within the window, score = start (ms)
  base..'limiter:'..t, base..'tnext:'..t  a job type's rate limit: its starts, and the time its next
                   deferred job is booked for (STRING with a TTL); base..'limited' SET: such types
A job of a group waits in its group's set, never in waiting; a group with waiting jobs is in the
ring or in gfull. Only scripts that meet a grouped job (field g) or a configured limit touch them.

ARGV (the same header for every script):
  1 now: empty to read the Redis server's clock (TIME), or epoch ms for deterministic tests
  2 job key prefix, 3 aging step (ms), 4 completed kept (count), 5 completed max age (ms),
  6 dead kept (count), 7 dead max age (ms); script arguments follow from 8.

Job hash fields: t type, p payload, pr priority, sq sequence, ma max attempts, at attempts made,
sl stalls, ts enqueued at, rd ready at, ra run at, to timeout, rs retry spec, st state, lt lease
token, fa finished at, ec/em/es last error (class, message, stack), rn dead-letter reason, fc first
claimed at, pg progress (JSON), rv result (bytes), cx cancel requested, g group (absent: none), rl the type's rate limit ('jobs:window ms', absent: none).

Event entries: e kind (completed, failed, dead, progress, stalled), j job id, t type, a attempt, ts
time (ms); rn reason, ec/em error (dead, failed); pg progress. A script that writes events sets
eventsMax from its own arguments.
]]
local now
if ARGV[1] == '' then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[1])
end
local jobPrefix = ARGV[2]
local agingStep = tonumber(ARGV[3])
local completedKeep = tonumber(ARGV[4])
local completedAge = tonumber(ARGV[5])
local deadKeep = tonumber(ARGV[6])
local deadAge = tonumber(ARGV[7])
local eventsMax = 0
local base = string.sub(jobPrefix, 1, #jobPrefix - 4)
local ringKey = base .. 'groups'
local fullKey = base .. 'gfull'
local runKey = base .. 'grun'

-- an integer as a plain decimal string (no exponent), so scores and times stay exact
local function fmt(x)
  return string.format('%.0f', x)
end

local function groupKey(g)
  return base .. 'gw:' .. g
end

-- puts group g in turn, at the back of the ring, unless it is in turn already or at its limit
local function inTurn(g)
  if redis.call('SISMEMBER', fullKey, g) == 1 then return end
  local last = redis.call('ZRANGE', ringKey, -1, -1, 'WITHSCORES')
  local turn = 1
  if #last > 0 then turn = tonumber(last[2]) + 1 end
  redis.call('ZADD', ringKey, 'NX', turn, g)
end

-- adds a job to waiting (or its group's waiting set, g: its group or false/nil/''): its place is
-- fixed by when it became ready, its priority and its sequence
local function line(id, readyAt, pr, sq, g)
  local score = readyAt - tonumber(pr) * agingStep
  if g and g ~= '' then
    redis.call('ZADD', groupKey(g), fmt(score), string.format('%016.0f', tonumber(sq)) .. id)
    inTurn(g)
  else
    redis.call('ZADD', KEYS[1], fmt(score), string.format('%016.0f', tonumber(sq)) .. id)
  end
end

-- takes a waiting job out of its line; a group left without waiting jobs leaves the ring
local function unline(id, sq, g)
  local member = string.format('%016.0f', tonumber(sq)) .. id
  if g then
    redis.call('ZREM', groupKey(g), member)
    if redis.call('EXISTS', groupKey(g)) == 0 then redis.call('ZREM', ringKey, g) end
  else
    redis.call('ZREM', KEYS[1], member)
  end
end

-- a job of group g stopped running (settled, given back, reaped): the group's count goes down and
-- it takes turns again; answers whether it has waiting jobs (a worker may claim one now)
local function release(g)
  if not g then return false end
  if redis.call('HINCRBY', runKey, g, -1) <= 0 then redis.call('HDEL', runKey, g) end
  redis.call('SREM', fullKey, g)
  if redis.call('EXISTS', groupKey(g)) == 1 then
    inTurn(g)
    return true
  end
  return false
end

-- stores a new job (its hash must not exist): waiting since now, or delayed until its run-at (runAt
-- >= 0: that epoch ms; else now + delay when delay > 0); answers whether it went straight to waiting
local function storeJob(key, id, t, p, pr, delay, runAt, ma, to, rs, g, rl)
  local seq = redis.call('INCR', KEYS[7])
  local ready = runAt < 0 and delay <= 0
  -- ready: waiting since now (rd); else delayed until its run-at (ra)
  local state, timeField, at = 'waiting', 'rd', now
  if not ready then
    if runAt < 0 then runAt = now + delay end
    state, timeField, at = 'delayed', 'ra', runAt
  end
  redis.call('HSET', key, 't', t, 'p', p, 'pr', pr, 'sq', seq, 'ma', ma, 'at', 0, 'sl', 0, 'ts', fmt(now),
    'to', to, 'rs', rs, 'st', state, timeField, fmt(at))
  if g and g ~= '' then redis.call('HSET', key, 'g', g) end
  if rl and rl ~= '' then redis.call('HSET', key, 'rl', rl) end
  if ready then
    line(id, now, pr, seq, g)
  else
    redis.call('ZADD', KEYS[2], fmt(runAt), id)
  end
  return ready
end

-- pushes n wake-up tokens (at most 16) in one command; the list keeps 64
local function wake(n)
  if n > 16 then n = 16 end
  local tokens = {}
  for i = 1, n do
    tokens[i] = '1'
  end
  redis.call('LPUSH', KEYS[6], unpack(tokens))
  redis.call('LTRIM', KEYS[6], 0, 63)
end

-- drops the oldest members of a retention ZSET beyond keep, with their hashes
local function trimCount(zkey, keep)
  local over = redis.call('ZCARD', zkey) - keep
  if over > 0 then
    local old = redis.call('ZPOPMIN', zkey, over)
    for i = 1, #old, 2 do
      redis.call('DEL', jobPrefix .. old[i])
    end
  end
end

local function trimAge(zkey, age)
  local old = redis.call('ZRANGEBYSCORE', zkey, '-inf', fmt(now - age), 'LIMIT', 0, 1000)
  for i = 1, #old do
    redis.call('ZREM', zkey, old[i])
    redis.call('DEL', jobPrefix .. old[i])
  end
end

-- appends an event about a job of type t at attempt a to the stream, if enabled
local function eventOf(kind, id, t, a, ...)
  if eventsMax <= 0 then return end
  redis.call('XADD', KEYS[9], 'MAXLEN', '~', eventsMax, '*', 'e', kind, 'j', id, 't', t or '',
    'a', a or '0', 'ts', fmt(now), ...)
end

-- appends an event about a job to the stream (its type and attempt read from the job), if enabled
local function event(kind, key, id, ...)
  if eventsMax <= 0 then return end
  local f = redis.call('HMGET', key, 't', 'at')
  eventOf(kind, id, f[1], f[2], ...)
end

local function bury(key, id, reason, ec, em, es)
  redis.call('HSET', key, 'st', 'dead', 'fa', fmt(now), 'rn', reason, 'ec', ec, 'em', em, 'es', es)
  event('dead', key, id, 'rn', reason, 'ec', ec, 'em', em)
  redis.call('HDEL', key, 'lt', 'ra')
  redis.call('ZADD', KEYS[5], fmt(now), id)
  trimCount(KEYS[5], deadKeep)
end

-- A job whose hash is gone (evicted or deleted) or lacks the fields every job has: only its id is
-- left. It is dead-lettered as 'missing' (a stub hash: state, reason, error; no type or payload), so
-- it leaves every other set, stays visible and is never replayed. Scripts check a job's fields
-- before they change anything, and call this instead.
local function buryMissing(key, id)
  bury(key, id, 'missing', 'missing', 'the job\'s data was missing from Redis (its hash was evicted '
    .. 'or deleted) when the queue next touched it; only its id is left', '')
end

-- puts a job in line and marks it waiting; pr, sq and g (its priority, sequence and group) are read
-- from the job when the caller does not have them. A job without them (or without a ready time) is
-- dead-lettered as missing instead; answers whether it was put in line.
local function toWaiting(key, id, readyAt, pr, sq, g)
  if pr == nil then
    local f = redis.call('HMGET', key, 'pr', 'sq', 'g')
    pr, sq, g = f[1], f[2], f[3]
  end
  if not pr or not sq or not readyAt or redis.call('HEXISTS', key, 't') == 0 then
    buryMissing(key, id)
    return false
  end
  line(id, readyAt, pr, sq, g)
  redis.call('HSET', key, 'st', 'waiting', 'rd', fmt(readyAt))
  redis.call('HDEL', key, 'ra')
  return true
end

-- Completions of one call: each job's hash is marked at once; the completed set gets them in one
-- ZADD and is trimmed once, by completeAll (the result is the same as one insert and trim each).
local completedIds = {}

local function complete(key, id)
  if completedKeep == 0 then
    redis.call('DEL', key)
    return
  end
  -- the stale lease token may stay: it only counts together with membership in active
  redis.call('HSET', key, 'st', 'completed', 'fa', fmt(now))
  local n = #completedIds
  completedIds[n + 1] = fmt(now)
  completedIds[n + 2] = id
end

local function completeAll()
  if #completedIds == 0 then return end
  redis.call('ZADD', KEYS[4], unpack(completedIds))
  completedIds = {}
  local over = redis.call('ZCARD', KEYS[4]) - completedKeep
  if over > 0 then
    local old = redis.call('ZPOPMIN', KEYS[4], over)
    local dead = {}
    for i = 1, #old, 2 do
      dead[#dead + 1] = jobPrefix .. old[i]
      if #dead == 500 then
        redis.call('DEL', unpack(dead))
        dead = {}
      end
    end
    if #dead > 0 then redis.call('DEL', unpack(dead)) end
  end
end
