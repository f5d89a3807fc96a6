-- Compare-and-set of one incident's notify state by its `rev` (0 = absent): two events of the
-- same incident handled at once cannot both tell the same transition.
-- KEYS: 1 incidents HASH   ARGV: 1 field, 2 expected rev, 3 new JSON (with rev = expected + 1)
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local rev = 0
if cur then rev = cjson.decode(cur)['rev'] or 0 end
if rev ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
