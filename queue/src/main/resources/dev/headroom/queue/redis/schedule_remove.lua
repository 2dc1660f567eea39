-- Deletes a schedule. ARGV 8: the schedules index, 9: the schedule's hash, 10: name. Returns 1 if
-- it existed.
local n = redis.call('DEL', ARGV[9])
local z = redis.call('ZREM', ARGV[8], ARGV[10])
if n + z > 0 then return 1 end
return 0
