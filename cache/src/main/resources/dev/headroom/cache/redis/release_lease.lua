-- Releases a stampede lease only if the caller still holds it (compare and delete).
-- KEYS[1] the lease key, ARGV[1] the holder's token
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
