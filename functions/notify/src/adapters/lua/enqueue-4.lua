-- Queue one delivery once per idempotency key (incident, transition, recipient): a redelivered
-- CloudEvent, or a retried handler, finds the marker and queues nothing.
-- KEYS: 1 once-marker, 2 deliveries HASH, 3 due ZSET, 4 stats HASH
-- ARGV: 1 delivery id, 2 delivery JSON, 3 due (ms), 4 marker TTL (s)
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', tonumber(ARGV[4])) then
  redis.call('HINCRBY', KEYS[4], 'duplicate', 1)
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], tonumber(ARGV[3]), ARGV[1])
redis.call('HINCRBY', KEYS[4], 'queued', 1)
return 1
