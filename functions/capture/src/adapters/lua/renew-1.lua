--[[
  Renew a camera lease only if this replica still holds it (compare-and-pexpire). A lease that
  vanished (Redis restarted without persistence) is taken back at once, so a Redis blip does not
  restart every recorder; a lease another replica holds now is never touched.
  KEYS[1] lease key (safety:cameras:lease:<camera>)
  ARGV[1] replica id (the lease value)
  ARGV[2] TTL in ms
  Returns 1 renewed, 2 re-taken after it vanished, 0 held by another replica.
]]
local holder = redis.call("GET", KEYS[1])
if holder == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[2]))
  return 1
end
if not holder then
  redis.call("SET", KEYS[1], ARGV[1], "PX", tonumber(ARGV[2]))
  return 2
end
return 0
