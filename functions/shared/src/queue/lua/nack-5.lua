--[[
  Give a claimed job back. mode "retry": to the back of the queue (attempt stays counted);
  mode "release": to the front, attempt uncounted (graceful shutdown: the job was never tried).
  KEYS[1] processing list   KEYS[2] pending list   KEYS[3] attempts hash   KEYS[4] stats hash
  KEYS[5] claimed zset
  ARGV[1] raw job   ARGV[2] mode ("retry" | "release")
  Returns 1 when moved, 0 when the job was not in the processing list.
]]
local removed = redis.call("LREM", KEYS[1], 1, ARGV[1])
if removed == 0 then return 0 end
local id = redis.sha1hex(ARGV[1])
redis.call("ZREM", KEYS[5], id)
if ARGV[2] == "release" then
  redis.call("RPUSH", KEYS[2], ARGV[1])
  if redis.call("HINCRBY", KEYS[3], id, -1) <= 0 then redis.call("HDEL", KEYS[3], id) end
  redis.call("HINCRBY", KEYS[4], "released", 1)
else
  redis.call("LPUSH", KEYS[2], ARGV[1])
  redis.call("HINCRBY", KEYS[4], "retried", 1)
end
return 1
