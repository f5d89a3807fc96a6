--[[
  Count one claim of a job just moved into a processing list by BLMOVE; dead-letter it
  when it has now been claimed more than MAX_ATTEMPTS times.
  KEYS[1] processing list of the consumer
  KEYS[2] attempts hash (sha1(raw) -> claims)
  KEYS[3] dead list
  KEYS[4] stats hash
  ARGV[1] raw job
  ARGV[2] max attempts
  ARGV[3] now (ISO)
  ARGV[4] consumer id
  Returns the attempt number (1-based), or -attempts when the job was dead-lettered.
]]
local id = redis.sha1hex(ARGV[1])
local n = redis.call("HINCRBY", KEYS[2], id, 1)
if n > tonumber(ARGV[2]) then
  redis.call("LREM", KEYS[1], 1, ARGV[1])
  redis.call("HDEL", KEYS[2], id)
  redis.call("LPUSH", KEYS[3], cjson.encode({ job = ARGV[1], reason = "failed " .. (n - 1) .. " attempts (MAX_ATTEMPTS=" .. ARGV[2] .. ")", at = ARGV[3], consumer = ARGV[4], attempts = n - 1 }))
  redis.call("HINCRBY", KEYS[4], "dead", 1)
  return -(n - 1)
end
return n
