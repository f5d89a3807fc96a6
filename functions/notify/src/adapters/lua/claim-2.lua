-- Claim due deliveries: each claimed one is pushed to now + lease, so if this sender dies
-- mid-send the delivery falls due again when the lease ends (at least once, nothing lost).
-- KEYS: 1 due ZSET, 2 deliveries HASH
-- ARGV: 1 now (ms), 2 lease (ms), 3 max count
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[2], id)
  if json then
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
    table.insert(out, id)
    table.insert(out, json)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
