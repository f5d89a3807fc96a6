--[[
  Count one claim of a job just moved into a processing list by BLMOVE; dead-letter it
  when it has now been claimed more than QUEUE_MAX_ATTEMPTS times. Otherwise record the claim in
  the claimed zset (KEDA's in-flight trigger), scored by the Redis clock in ms.
  KEYS[1] processing list of the consumer
  KEYS[2] attempts hash (sha1(raw) -> claims)
  KEYS[3] dead list
  KEYS[4] stats hash
  KEYS[5] claimed zset (sha1(raw) -> claim time ms)
  ARGV[1] raw job
  ARGV[2] max attempts
  ARGV[3] now (ISO)
  ARGV[4] consumer id
  Returns the attempt number (1-based), -attempts when the job was dead-lettered, or 0 when
  the job is no longer in the processing list (reaped between BLMOVE and this script).
]]
local id = redis.sha1hex(ARGV[1])
-- BLMOVE and this script are two commands: a reaper may have run in between. Only a job still
-- held is counted, so the claimed set never gets a member that is in no processing list.
if not redis.call("LPOS", KEYS[1], ARGV[1]) then return 0 end
local n = redis.call("HINCRBY", KEYS[2], id, 1)
if n > tonumber(ARGV[2]) then
  redis.call("LREM", KEYS[1], 1, ARGV[1])
  redis.call("HDEL", KEYS[2], id)
  -- a reconcile may have added the id between BLMOVE and now
  redis.call("ZREM", KEYS[5], id)
  redis.call("LPUSH", KEYS[3], cjson.encode({ job = ARGV[1], reason = "failed " .. (n - 1) .. " attempts (QUEUE_MAX_ATTEMPTS=" .. ARGV[2] .. ")", at = ARGV[3], consumer = ARGV[4], attempts = n - 1 }))
  redis.call("HINCRBY", KEYS[4], "dead", 1)
  return -(n - 1)
end
local t = redis.call("TIME")
redis.call("ZADD", KEYS[5], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), id)
return n
