--[[
  Store a camera.online/offline event, once per CloudEvent id; an older event (by `at`)
  never overwrites a newer one (events may be redelivered out of order).
  KEYS[1] seen marker   (safety:alerts:seen:<event id>)
  KEYS[2] camera hash   (safety:alerts:cameras)  cameraId -> {status, at, atMs, ...}
  ARGV[1] camera id   ARGV[2] status JSON (with atMs)   ARGV[3] atMs   ARGV[4] seen TTL seconds
  Returns 1 when stored, 2 when older than what is stored (kept out), 0 for a duplicate.
]]
if not redis.call("SET", KEYS[1], "1", "NX", "EX", tonumber(ARGV[4])) then return 0 end
local prev = redis.call("HGET", KEYS[2], ARGV[1])
if prev and (tonumber(cjson.decode(prev)["atMs"]) or 0) > tonumber(ARGV[3]) then return 2 end
redis.call("HSET", KEYS[2], ARGV[1], ARGV[2])
return 1
