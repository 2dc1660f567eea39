-- Reads the generations of key prefixes, giving a prefix whose generation key is missing (never
-- set, evicted, expired, lost in a failover) or holds bad state a NEW generation: a lost
-- generation must never read as an old number, which would make old entries reachable again.
-- A generation in use is kept alive: a read that finds less than half its life left extends it,
-- so a prefix in use never misses all at once because its generation expired.
-- KEYS[1..n-1] generation keys, KEYS[n] the counter (all one hash tag)
-- ARGV[1] how long a generation key lives (ms)
-- Answers the n-1 generations (decimal strings), then how many keys held bad state (repaired).
local seq = KEYS[#KEYS]
local ttl = tonumber(ARGV[1])
local out = {}
local repaired = 0
for i = 1, #KEYS - 1 do
  local g, bad = stored_number(KEYS[i])
  if g == nil then
    if bad then
      repaired = repaired + 1
    end
    g = next_generation(seq)
    redis.call('SET', KEYS[i], string.format('%.0f', g), 'PX', ttl)
  else
    local left = redis.call('PTTL', KEYS[i])
    if left >= 0 and left < ttl / 2 then
      redis.call('PEXPIRE', KEYS[i], ttl)
    end
  end
  out[i] = string.format('%.0f', g)
end
out[#KEYS] = repaired
return out
