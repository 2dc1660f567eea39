-- Extends leases still held. ARGV 8 lease (ms), then pairs: id, lease token. Returns one flag per
-- pair: 0 lost, 1 held, 2 held and the job was cancelled.
local deadline = fmt(now + tonumber(ARGV[8]))
local out = {}
for i = 9, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HGET', jobPrefix .. id, 'lt') == ARGV[i + 1] and redis.call('ZSCORE', KEYS[3], id) then
    redis.call('ZADD', KEYS[3], deadline, id)
    out[#out + 1] = 1 + redis.call('HEXISTS', jobPrefix .. id, 'cx')
  else
    out[#out + 1] = 0
  end
end
return out
