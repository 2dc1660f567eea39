-- Gives a key prefix a new generation, which orphans every L2 entry written under the old one.
-- KEYS[1] the cache's generation counter, KEYS[2] the prefix's generation key (same hash tag)
-- ARGV[1] how long the generation key must live (ms): the longest life of an entry
-- Generations come from one counter per cache, so a number is never reused, even after a
-- generation key expired and the prefix went back to generation 0.
local g = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], g, 'PX', ARGV[1])
return g
