-- Shared by the generation scripts (joined in front of them: Redis has no includes).
-- Generation numbers are Redis TIME in microseconds when drawn, or the counter plus one if that is
-- larger: a lost counter (evicted, deleted, a failover or a restart that lost it) starts again at
-- the current time, above every number drawn before, so no number is ever reused and a lost
-- generation never reads as an old one. (Exact in Lua's doubles until 2^53, the year 2255.)

local function now_micros()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- The number stored at key and whether the key holds bad state: (n, false) for a number,
-- (nil, false) when absent, (nil, true) for another type or text that is not a number.
local function stored_number(key)
  local kind = redis.call('TYPE', key)['ok']
  if kind == 'none' then
    return nil, false
  end
  if kind ~= 'string' then
    return nil, true
  end
  local v = redis.call('GET', key)
  if string.len(v) <= 16 and string.match(v, '^%d+$') then
    return tonumber(v), false
  end
  return nil, true
end

-- Draws a new generation from the counter at seq (repairing a counter that is not a number).
local function next_generation(seq)
  local n = stored_number(seq)
  local g = now_micros()
  if n ~= nil and n >= g then
    g = n + 1
  end
  redis.call('SET', seq, string.format('%.0f', g))
  return g
end
