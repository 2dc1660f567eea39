-- Extends leases still held. ARGV 8 lease (ms), then pairs: id, lease token. Returns one flag per pair.
local deadline = fmt(now + tonumber(ARGV[8]))
local out = {}
for i = 9, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HGET', jobPrefix .. id, 'lt') == ARGV[i + 1] and redis.call('ZSCORE', KEYS[3], id) then
    redis.call('ZADD', KEYS[3], deadline, id)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
