--[[
  Acknowledge a finished job: remove it from the consumer's processing list.
  KEYS[1] processing list   KEYS[2] attempts hash   KEYS[3] stats hash   KEYS[4] claimed zset
  ARGV[1] raw job
  Returns 1 when the job was there (acked), 0 when it was not (already reaped or acked).
]]
local removed = redis.call("LREM", KEYS[1], 1, ARGV[1])
if removed > 0 then
  local id = redis.sha1hex(ARGV[1])
  redis.call("HDEL", KEYS[2], id)
  redis.call("ZREM", KEYS[4], id)
  redis.call("HINCRBY", KEYS[3], "acked", 1)
end
return removed
