-- Extends a held lease; a lease already expired (and swept) is not revived.
-- KEYS[1] slots; ARGV[1] token, ARGV[2] lease ms. Returns 1 renewed, 0 gone.
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local lease = tonumber(ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then
  return 0
end
redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease * 2 then
  redis.call('PEXPIRE', KEYS[1], lease * 2)
end
return 1
