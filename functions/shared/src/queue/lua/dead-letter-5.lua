--[[
  Move a claimed job to the dead-letter list with its reason.
  KEYS[1] processing list   KEYS[2] dead list   KEYS[3] attempts hash   KEYS[4] stats hash
  KEYS[5] claimed zset
  ARGV[1] raw job   ARGV[2] dead-letter entry JSON (job, reason, at, consumer)
  Returns 1 when moved, 0 when the job was not in the processing list.
]]
local removed = redis.call("LREM", KEYS[1], 1, ARGV[1])
if removed == 0 then return 0 end
local id = redis.sha1hex(ARGV[1])
redis.call("LPUSH", KEYS[2], ARGV[2])
redis.call("HDEL", KEYS[3], id)
redis.call("ZREM", KEYS[5], id)
redis.call("HINCRBY", KEYS[4], "dead", 1)
return 1
