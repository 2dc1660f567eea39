-- Stores a value a read-through load produced, unless the key already holds a fresh value: the
-- load started on a miss (or a stale value), so a fresh value now was written after the load read
-- L2, by a put or another load, and is at least as new as this one. An unconditional SET here
-- would replace a newer put with the value the loader read before it.
-- KEYS[1] the value key
-- ARGV[1] the encoded value (empty: delete the key, for a value too large for L2)
-- ARGV[2] its expiry in ms (PX)
-- ARGV[3] now in epoch ms, on the clock that wrote the value headers (the caches' time source)
-- Answers 1 if stored (or deleted), 0 if the present value was kept.
local cur = redis.call('GET', KEYS[1])
if cur and string.len(cur) >= 26 then
  if string.byte(cur, 1) ~= 1 then
    return 0 -- another format version: a newer (or older) writer's value, left alone
  end
  local fresh = 0
  for i = 3, 10 do
    fresh = fresh * 256 + string.byte(cur, i)
  end
  if fresh > tonumber(ARGV[3]) then
    return 0
  end
end
if ARGV[1] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1
