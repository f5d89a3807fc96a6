--[[
  Make the claimed zset agree with the processing lists (run by the reaper after reaping):
  - a member whose job is in no processing list is removed (only if claimed before `cutoff`,
    the Redis time read before the caller listed the consumers: a consumer that registered
    after that is not in KEYS, and its fresh claims must not be dropped);
  - a held job with no member (its consumer died between BLMOVE and count-attempt) is added,
    scored `cutoff`, so ZCARD counts every job some consumer holds.
  KEYS[1] claimed zset   KEYS[2..] processing list of every known consumer
  ARGV[1] cutoff (Redis time, ms)
  Returns { removed, added }.
]]
local held = {}
for i = 2, #KEYS do
  for _, job in ipairs(redis.call("LRANGE", KEYS[i], 0, -1)) do held[redis.sha1hex(job)] = true end
end
local removed, added = 0, 0
local members = redis.call("ZRANGE", KEYS[1], "-inf", ARGV[1], "BYSCORE")
for _, id in ipairs(members) do
  if not held[id] then
    redis.call("ZREM", KEYS[1], id)
    removed = removed + 1
  end
end
for id in pairs(held) do
  if not redis.call("ZSCORE", KEYS[1], id) then
    redis.call("ZADD", KEYS[1], ARGV[1], id)
    added = added + 1
  end
end
return { removed, added }
