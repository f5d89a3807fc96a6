--[[
  Renew a camera lease only if this replica still holds it (compare-and-pexpire).
  KEYS[1] lease key (safety:cameras:lease:<camera>)
  ARGV[1] replica id (the lease value)
  ARGV[2] TTL in ms
  Returns 1 when renewed, 0 when the lease is gone or held by another replica.
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[2]))
end
return 0
