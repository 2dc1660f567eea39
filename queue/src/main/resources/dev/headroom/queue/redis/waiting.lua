-- Lists waiting jobs, plain and grouped, by place in line (score, then sequence). ARGV 8 offset,
-- 9 limit. Reads at most offset + limit members of each set; returns their ids. A group in the ring
-- and in gfull at once (possible for a moment) is read once.
local want = tonumber(ARGV[8]) + tonumber(ARGV[9])
local all = {}
local function collect(key)
  local r = redis.call('ZRANGE', key, 0, want - 1, 'WITHSCORES')
  for i = 1, #r, 2 do
    all[#all + 1] = {tonumber(r[i + 1]), r[i]}
  end
end
collect(KEYS[1])
local seen = {}
local gs = redis.call('ZRANGE', ringKey, 0, -1)
for _, g in ipairs(redis.call('SMEMBERS', fullKey)) do gs[#gs + 1] = g end
for _, g in ipairs(gs) do
  if not seen[g] then
    seen[g] = true
    collect(groupKey(g))
  end
end
table.sort(all, function(a, b)
  if a[1] ~= b[1] then return a[1] < b[1] end
  return a[2] < b[2]
end)
local out = {}
for i = tonumber(ARGV[8]) + 1, math.min(#all, want) do
  out[#out + 1] = string.sub(all[i][2], 17)
end
return out
