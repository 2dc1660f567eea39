-- Stores a running job's progress and writes a progress event, if the lease holds.
-- ARGV 8 id, 9 lease token, 10 progress (JSON), 11 events kept (0: none written).
-- Returns 0 lost, 1 held, 2 held and the job was cancelled.
local id = ARGV[8]
local key = jobPrefix .. id
eventsMax = tonumber(ARGV[11])
if redis.call('HGET', key, 'lt') ~= ARGV[9] or not redis.call('ZSCORE', KEYS[3], id) then
  return 0
end
redis.call('HSET', key, 'pg', ARGV[10])
event('progress', key, id, 'pg', ARGV[10])
return 1 + redis.call('HEXISTS', key, 'cx')
