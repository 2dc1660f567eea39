-- KEYS[1]: a counter; ARGV[1]: the increment. Answers the new value.
return redis.call('INCRBY', KEYS[1], ARGV[1])
