-- Deletes dead letters. ARGV from 8: ids. Returns how many were dead letters.
local n = 0
for i = 8, #ARGV do
  if redis.call('ZREM', KEYS[5], ARGV[i]) == 1 then
    redis.call('DEL', jobPrefix .. ARGV[i])
    n = n + 1
  end
end
return n
