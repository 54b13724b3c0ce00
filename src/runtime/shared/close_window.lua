-- Kombo said the rate-limit window is used up for ms: every worker holds its
-- calls until then. The reset only ever moves later.
-- KEYS[1] window; ARGV[1] ms until the reset.
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local reset = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if reset > current then
  redis.call('SET', KEYS[1], reset, 'PX', tonumber(ARGV[1]) + 1000)
end
return 1
