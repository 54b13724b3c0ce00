-- Admits one call of an integration, or says how long to wait.
-- KEYS[1] slots (sorted set: lease token -> expiry, ms on Redis' clock)
-- KEYS[2] limit (Kombo's last Concurrency-Limit)
-- KEYS[3] window (ms on Redis' clock until which the rate limit is used up)
-- ARGV[1] token, ARGV[2] lease ms, ARGV[3] limit before Kombo has said (0:
-- not gated until it has), ARGV[4] 1 to take a slot (an action), 0 to check
-- the window only (a read), ARGV[5] 1 to honour the window, 0 not (the
-- client does not wait for the rate limit).
-- Returns {1, 0} admitted holding a lease; {3, 0} admitted, no slot taken;
-- {0, ms} window closed for ms; {2, 0} no free slot.
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
if ARGV[5] == '1' then
  local reset = tonumber(redis.call('GET', KEYS[3]) or '0')
  if reset > now then
    return {0, reset - now}
  end
end
if ARGV[4] == '0' then
  return {3, 0}
end
local limit = tonumber(redis.call('GET', KEYS[2]) or ARGV[3])
if limit <= 0 then
  return {3, 0}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then
  return {2, 0}
end
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
-- Only ever extended: a process configured with a shorter lease must not
-- expire the set under another's longer leases.
if redis.call('PTTL', KEYS[1]) < lease * 2 then
  redis.call('PEXPIRE', KEYS[1], lease * 2)
end
return {1, 0}
