-- Record one attempt and settle the delivery in one step: sent (gone), retry (due again later,
-- attempts counted in its JSON) or dead (moved to the dead-letter list the dashboard shows).
-- KEYS: 1 due ZSET, 2 deliveries HASH, 3 attempts LIST, 4 dead LIST, 5 stats HASH, 6 attempt-log STREAM
-- ARGV: 1 id, 2 outcome sent|retry|dead, 3 attempt JSON, 4 delivery JSON, 5 next due (ms), 6 list cap,
--       7 attempt-log cap
local cap = tonumber(ARGV[6])
redis.call('LPUSH', KEYS[3], ARGV[3])
redis.call('LTRIM', KEYS[3], 0, cap - 1)
-- the system of record's copy (alerts reads it with a consumer group into notification_deliveries);
-- in the same step as the settlement, so no attempt is settled without its record entry
redis.call('XADD', KEYS[6], 'MAXLEN', '~', tonumber(ARGV[7]), '*', 'attempt', ARGV[3])
if ARGV[2] == 'retry' then
  if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
  redis.call('ZADD', KEYS[1], tonumber(ARGV[5]), ARGV[1])
  redis.call('HINCRBY', KEYS[5], 'retried', 1)
  return 1
end
local removed = redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
if removed == 0 then return 0 end
if ARGV[2] == 'dead' then
  redis.call('LPUSH', KEYS[4], ARGV[4])
  redis.call('LTRIM', KEYS[4], 0, cap - 1)
  redis.call('HINCRBY', KEYS[5], 'dead', 1)
else
  redis.call('HINCRBY', KEYS[5], 'sent', 1)
end
return 1
