--[[
  Return the jobs of a dead consumer (heartbeat expired) to the front of the queue.
  KEYS[1] heartbeat key of the consumer   KEYS[2] its processing list
  KEYS[3] pending list   KEYS[4] consumers set   KEYS[5] stats hash   KEYS[6] claimed zset
  ARGV[1] consumer id
  Returns the number of jobs returned, or -1 when the consumer is alive.
]]
if redis.call("EXISTS", KEYS[1]) == 1 then return -1 end
local n = 0
while true do
  -- newest claim first, each pushed to the front (right) of the pending list, so the oldest ends up claimed first
  local job = redis.call("LMOVE", KEYS[2], KEYS[3], "LEFT", "RIGHT")
  if not job then break end
  redis.call("ZREM", KEYS[6], redis.sha1hex(job))
  n = n + 1
end
redis.call("SREM", KEYS[4], ARGV[1])
if n > 0 then redis.call("HINCRBY", KEYS[5], "reaped", n) end
return n
