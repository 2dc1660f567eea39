-- Stores jobs. ARGV 8: the dedupe window (ms, 0 for none); 9: the dedupe marker key prefix (same
-- hash tag). From 10: eleven per job: id, type, payload, priority, delay (ms), run-at (ms or -1), max
-- attempts, timeout (ms), retry spec, group (empty: none), the type's rate limit ('jobs:window ms',
-- empty: none). A job whose hash exists is left alone (idempotent enqueue by
-- id); with a window, so is one whose marker says it was stored less than the window ago: the marker
-- (a STRING holding its expiry in ms, so the caller-time hook decides too; PX lets Redis drop it)
-- outlives the job's retention. Returns one flag per job: 1 stored, 0 existed.
local out = {}
local stored = 0
local window = tonumber(ARGV[8])
local n = (#ARGV - 9) / 11
for i = 0, n - 1 do
  local b = 9 + i * 11
  local id = ARGV[b + 1]
  local key = jobPrefix .. id
  local marker = window > 0 and ARGV[9] .. id
  local held = marker and redis.call('GET', marker)
  if redis.call('EXISTS', key) == 1 or (held and tonumber(held) > now) then
    out[i + 1] = 0
  else
    if marker then
      redis.call('SET', marker, fmt(now + window), 'PX', window)
    end
    storeJob(key, id, ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], tonumber(ARGV[b + 5]), tonumber(ARGV[b + 6]),
      ARGV[b + 7], ARGV[b + 8], ARGV[b + 9], ARGV[b + 10], ARGV[b + 11])
    out[i + 1] = 1
    stored = stored + 1
  end
end
if stored > 0 then wake(stored) end
return out
