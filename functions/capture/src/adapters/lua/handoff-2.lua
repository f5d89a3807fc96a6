--[[
  Start a make-before-break hand-over: free a camera lease only if this replica holds it
  (compare-and-delete) and clear the camera's hand-over marker, so the marker the next owner
  writes (recorded-2) is known to be about this hand-over. The caller keeps recording until then.
  KEYS[1] lease key (safety:cameras:lease:<camera>)
  KEYS[2] hand-over marker (safety:cameras:handoff:<camera>)
  ARGV[1] replica id
  Returns 1 when freed, 0 when the lease was not ours.
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call("DEL", KEYS[2])
redis.call("DEL", KEYS[1])
return 1
