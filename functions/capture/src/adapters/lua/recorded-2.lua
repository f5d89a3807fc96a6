--[[
  The lease holder has handed its first clip of the camera to the intake: write the hand-over
  marker (the replica handing the camera over stops its recorder on seeing it). Only the lease
  holder may write it.
  KEYS[1] lease key (safety:cameras:lease:<camera>)
  KEYS[2] hand-over marker (safety:cameras:handoff:<camera>)
  ARGV[1] replica id
  ARGV[2] marker TTL in ms
  Returns 1 when written, 0 when the lease is not ours.
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call("SET", KEYS[2], ARGV[1], "PX", tonumber(ARGV[2]))
return 1
