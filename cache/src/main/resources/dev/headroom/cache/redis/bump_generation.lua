-- Gives a key prefix a new generation, which orphans every L2 entry written under the old one.
-- KEYS[1] the cache's generation counter, KEYS[2] the prefix's generation key (same hash tag)
-- ARGV[1] how long the generation key must live (ms)
-- SET replaces a generation key of any type, so bad state there cannot refuse the bump.
local g = next_generation(KEYS[1])
redis.call('SET', KEYS[2], string.format('%.0f', g), 'PX', ARGV[1])
return g
