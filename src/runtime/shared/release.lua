-- Frees a lease and keeps the Concurrency-Limit Kombo sent with its answer.
-- KEYS[1] slots, KEYS[2] limit; ARGV[1] token, ARGV[2] limit (0: none seen),
-- ARGV[3] ms the limit is remembered.
redis.call('ZREM', KEYS[1], ARGV[1])
local limit = tonumber(ARGV[2])
if limit > 0 then
  redis.call('SET', KEYS[2], limit, 'PX', tonumber(ARGV[3]))
end
return 1
