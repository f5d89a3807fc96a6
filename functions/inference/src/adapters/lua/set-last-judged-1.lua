-- KEYS[1] = HASH cameraId -> last judged clip JSON (keys.ts inferenceLastJudged)
-- ARGV[1] = cameraId, ARGV[2] = the clip's start (ms), ARGV[3] = the JSON
-- Several pods judge one camera's clips: only a newer clip replaces the entry, so a late
-- answer for an older clip never makes the gate compare against (or trust) stale state.
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local ok, old = pcall(cjson.decode, cur)
  if ok and type(old) == 'table' and tonumber(old.at) and tonumber(old.at) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
