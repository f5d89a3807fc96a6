--[[
  commit-6: stores one verdict (or a camera status event) and the incident engine's new
  state for one camera, atomically and at most once.

  KEYS[1] done marker   (verdicts:done:<jobId>, or the camera event's marker)
  KEYS[2] outcome       (STRING: what this commit published, replayed after a crash)
  KEYS[3] verdicts      (STREAM safety:verdicts)
  KEYS[4] incidents     (HASH "<camera>:<type>" -> incident JSON)
  KEYS[5] windows       (HASH camera -> window JSON)
  KEYS[6] incidentClips (SET of clip paths kept as evidence)

  ARGV[1] done value    ARGV[2] outcome JSON   ARGV[3] done-marker TTL seconds
  ARGV[4] stream MAXLEN ARGV[5] verdict JSON ('' = no stream entry)   ARGV[6] job id
  ARGV[7] camera id     ARGV[8] expected window ('' = absent)   ARGV[9] new window
  ARGV[10] evidence clip path ('' = none)
  ARGV[11] n = number of incident fields   ARGV[12] outcome TTL seconds (replay window)
  then n triplets from ARGV[13]: field, expected ('' = absent), new value

  Stream entry fields: jobId, cameraId, status, verdict (the verdict.created data as JSON).

  Returns {2, outcome} when already committed (replay), {0} when the camera's state changed
  since it was read (the caller re-reads and retries), {1} when committed.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {2, redis.call('GET', KEYS[2]) or ''}
end
local function same(actual, expected)
  if actual == false then return expected == '' end
  return actual == expected
end
if not same(redis.call('HGET', KEYS[5], ARGV[7]), ARGV[8]) then return {0} end
local n = tonumber(ARGV[11])
for i = 0, n - 1 do
  local base = 13 + i * 3
  if not same(redis.call('HGET', KEYS[4], ARGV[base]), ARGV[base + 1]) then return {0} end
end
if ARGV[5] ~= '' then
  local status = cjson.decode(ARGV[5]).status
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'jobId', ARGV[6], 'cameraId', ARGV[7], 'status', status, 'verdict', ARGV[5])
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[3]))
redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[12]))
if ARGV[9] ~= '' then redis.call('HSET', KEYS[5], ARGV[7], ARGV[9]) end
for i = 0, n - 1 do
  local base = 13 + i * 3
  redis.call('HSET', KEYS[4], ARGV[base], ARGV[base + 2])
end
if ARGV[10] ~= '' then redis.call('SADD', KEYS[6], ARGV[10]) end
return {1}
