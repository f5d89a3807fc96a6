--[[
  Enqueue a clip job (LPUSH), once per job id, with an optional drop-oldest cap.
  KEYS[1] pending list (safety:clips)
  KEYS[2] dead list (safety:clips:dead)   -- dropped jobs go here with reason "queue-full": counted, never silent
  KEYS[3] stats hash (safety:clips:stats)
  KEYS[4] dedup marker (safety:clips:enqueued:<jobId>): SET NX so a re-enqueue of the same clip is a no-op
  ARGV[1] raw job JSON
  ARGV[2] dedup TTL seconds
  ARGV[3] max length (0 = no cap)
  ARGV[4] now (ISO time) for dead-letter entries
  ARGV[5] the job's path, stored as the dedup key's value (issue #18.1)
  (The marker was ARGV[2] before; every key a script touches is now in KEYS.)
  Returns { enqueued (0|1), dropped count, dropped raw jobs... },
  or { -1, 0, stored path } when the id was taken by a job with a different path (refused, counted)
]]
do
  local path = ARGV[5]
  local fresh = redis.call("SET", KEYS[4], path, "NX", "EX", tonumber(ARGV[2]))
  if not fresh then
    local stored = redis.call("GET", KEYS[4])
    -- "1" is what keys written before paths were stored hold: a plain duplicate
    if stored and stored ~= path and stored ~= "1" then
      redis.call("HINCRBY", KEYS[3], "conflicts", 1)
      return { -1, 0, stored }
    end
    redis.call("HINCRBY", KEYS[3], "duplicates", 1)
    return { 0, 0 }
  end
end
redis.call("LPUSH", KEYS[1], ARGV[1])
redis.call("HINCRBY", KEYS[3], "enqueued", 1)
local result = { 1, 0 }
local max = tonumber(ARGV[3])
if max > 0 then
  while redis.call("LLEN", KEYS[1]) > max do
    -- consumers take from the right, so the right end is the oldest job
    local oldest = redis.call("RPOP", KEYS[1])
    redis.call("LPUSH", KEYS[2], cjson.encode({ job = oldest, reason = "queue-full: dropped oldest (QUEUE_MAX_LENGTH=" .. max .. ")", at = ARGV[4] }))
    redis.call("HINCRBY", KEYS[3], "dropped", 1)
    result[2] = result[2] + 1
    table.insert(result, oldest)
  end
end
return result
