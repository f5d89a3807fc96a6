--[[
  Store one verdict, once per CloudEvent id.
  KEYS[1] seen marker       (safety:alerts:seen:<event id>)
  KEYS[2] recent list       (safety:alerts:verdicts)       newest first, capped
  KEYS[3] counts hash       (safety:alerts:verdict-counts) status -> count
  KEYS[4] per-camera hash   (safety:alerts:camera-verdicts) cameraId -> latest verdict JSON
  ARGV[1] verdict JSON   ARGV[2] cap   ARGV[3] status   ARGV[4] seen TTL seconds
  ARGV[5] camera id      ARGV[6] analyzedAt (ms): the per-camera entry only moves forward
  Returns 1 when stored, 0 for a duplicate.
]]
if not redis.call("SET", KEYS[1], "1", "NX", "EX", tonumber(ARGV[4])) then return 0 end
redis.call("LPUSH", KEYS[2], ARGV[1])
redis.call("LTRIM", KEYS[2], 0, tonumber(ARGV[2]) - 1)
redis.call("HINCRBY", KEYS[3], ARGV[3], 1)
local prev = redis.call("HGET", KEYS[4], ARGV[5])
if not prev or (tonumber(cjson.decode(prev)["analyzedAtMs"]) or 0) <= tonumber(ARGV[6]) then
  redis.call("HSET", KEYS[4], ARGV[5], ARGV[1])
end
return 1
