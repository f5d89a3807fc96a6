--[[
  Compare-and-set one incident record, once per CloudEvent id.
  KEYS[1] incidents hash   (safety:alerts)           incidentId -> record JSON
  KEYS[2] by-time zset     (safety:alerts:by-time)   incidentId scored by openedAt (ms)
  KEYS[3] open set         (safety:alerts:open)      ids of open incidents
  KEYS[4] seen marker      (safety:alerts:seen:<event id>)
  ARGV[1] incident id
  ARGV[2] expected rev of the stored record (0 = must not exist yet)
  ARGV[3] new record JSON
  ARGV[4] score (openedAt, ms)
  ARGV[5] new state: open | resolved
  ARGV[6] seen TTL seconds ("" = no marker, e.g. an acknowledgement)
  ARGV[7] max incidents kept (oldest non-open ones are dropped beyond it)
  Returns "ok", "dup" (event id seen before) or "conflict" (someone else wrote first: re-read, retry).
]]
if ARGV[6] ~= "" and redis.call("EXISTS", KEYS[4]) == 1 then return "dup" end
local current = redis.call("HGET", KEYS[1], ARGV[1])
local rev = 0
if current then rev = tonumber(cjson.decode(current)["rev"]) or 0 end
if rev ~= tonumber(ARGV[2]) then return "conflict" end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[3])
redis.call("ZADD", KEYS[2], ARGV[4], ARGV[1])
if ARGV[5] == "open" then redis.call("SADD", KEYS[3], ARGV[1]) else redis.call("SREM", KEYS[3], ARGV[1]) end
if ARGV[6] ~= "" then redis.call("SET", KEYS[4], "1", "EX", tonumber(ARGV[6])) end
local excess = redis.call("ZCARD", KEYS[2]) - tonumber(ARGV[7])
if excess > 0 then
  for _, id in ipairs(redis.call("ZRANGE", KEYS[2], 0, excess - 1)) do
    if redis.call("SISMEMBER", KEYS[3], id) == 0 then
      redis.call("HDEL", KEYS[1], id)
      redis.call("ZREM", KEYS[2], id)
    end
  end
end
return "ok"
