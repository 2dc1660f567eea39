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

ARGV (the same header for every script):
  1 now: empty to read the Redis server's clock (TIME), or epoch ms for deterministic tests
  2 job key prefix, 3 aging step (ms), 4 completed kept (count), 5 completed max age (ms),
  6 dead kept (count), 7 dead max age (ms); script arguments follow from 8.

Job hash fields: t type, p payload, pr priority, sq sequence, ma max attempts, at attempts made,
sl stalls, ts enqueued at, rd ready at, ra run at, to timeout, rs retry spec, st state, lt lease
token, fa finished at, ec/em/es last error (class, message, stack), rn dead-letter reason, fc first
claimed at, pg progress (JSON), rv result (bytes), cx cancel requested.

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

-- an integer as a plain decimal string (no exponent), so scores and times stay exact
local function fmt(x)
  return string.format('%.0f', x)
end

-- adds a job to waiting: its place is fixed by when it became ready, its priority and its sequence
local function line(id, readyAt, pr, sq)
  local score = readyAt - tonumber(pr) * agingStep
  redis.call('ZADD', KEYS[1], fmt(score), string.format('%016.0f', tonumber(sq)) .. id)
end

-- stores a new job (its hash must not exist): waiting since now, or delayed until its run-at (runAt
-- >= 0: that epoch ms; else now + delay when delay > 0); answers whether it went straight to waiting
local function storeJob(key, id, t, p, pr, delay, runAt, ma, to, rs)
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
  if ready then
    line(id, now, pr, seq)
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

-- appends an event about a job to the stream (its type and attempt read from the job), if enabled
local function event(kind, key, id, ...)
  if eventsMax <= 0 then return end
  local f = redis.call('HMGET', key, 't', 'at')
  redis.call('XADD', KEYS[9], 'MAXLEN', '~', eventsMax, '*', 'e', kind, 'j', id, 't', f[1] or '',
    'a', f[2] or '0', 'ts', fmt(now), ...)
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

-- puts a job in line and marks it waiting; pr and sq (its priority and sequence) are read from the
-- job when the caller does not have them. A job without them (or without a ready time) is
-- dead-lettered as missing instead; answers whether it was put in line.
local function toWaiting(key, id, readyAt, pr, sq)
  if pr == nil then
    local f = redis.call('HMGET', key, 'pr', 'sq')
    pr, sq = f[1], f[2]
  end
  if not pr or not sq or not readyAt or redis.call('HEXISTS', key, 't') == 0 then
    buryMissing(key, id)
    return false
  end
  line(id, readyAt, pr, sq)
  redis.call('HSET', key, 'st', 'waiting', 'rd', fmt(readyAt))
  redis.call('HDEL', key, 'ra')
  return true
end

local function complete(key, id)
  if completedKeep == 0 then
    redis.call('DEL', key)
    return
  end
  -- the stale lease token may stay: it only counts together with membership in active
  redis.call('HSET', key, 'st', 'completed', 'fa', fmt(now))
  redis.call('ZADD', KEYS[4], fmt(now), id)
  trimCount(KEYS[4], completedKeep)
end
