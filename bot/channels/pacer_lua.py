"""The Redis pacer's Lua scripts: each runs atomically, in one round trip, on Redis's clock.

``TAKE`` grants one send or says how long to wait (milliseconds) and whether only the
chat must wait. ``DONE`` stamps a send's end (``XX``), or records a send granted while
Redis was away (``NX``, never lowering a chat's wait). ``PAUSE`` pauses every process.
Keys: the window (a sorted set of sends scored by their end, in flight: a deadline), the
next even slot, the pause, each chat's earliest next send and each group's minute.
"""

TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local limit, window, margin = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local interval, per_chat, group = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6] == '1'
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if now < paused then return {0, tostring(paused - now), 0} end
local horizon = now - window - margin
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', horizon)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  if oldest > now then return {0, ARGV[12], 0} end
  return {0, tostring(oldest - horizon), 0}
end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then return {0, tostring(nxt - now), 0} end
local ready = tonumber(redis.call('GET', KEYS[4]) or '0')
if now < ready then
  if ready - now > per_chat + margin then return {0, ARGV[12], 1} end
  return {0, tostring(ready - now), 1}
end
if group then
  local ghorizon = now - tonumber(ARGV[8]) - margin
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', ghorizon)
  if redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[7]) then
    local oldest = tonumber(redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')[2])
    if oldest > now then return {0, ARGV[12], 1} end
    return {0, tostring(oldest - ghorizon), 1}
  end
end
local flying = now + tonumber(ARGV[10])
local keep = math.ceil(tonumber(ARGV[10]) + window + margin) + 1000
redis.call('ZADD', KEYS[1], flying, ARGV[9])
redis.call('PEXPIRE', KEYS[1], keep)
redis.call('SET', KEYS[2], tostring(math.max(nxt, now - tonumber(ARGV[11])) + interval),
           'PX', math.ceil(interval + window) + 1000)
redis.call('SET', KEYS[4], tostring(flying + per_chat + margin), 'PX', keep + math.ceil(per_chat))
if group then
  redis.call('ZADD', KEYS[5], flying, ARGV[9])
  redis.call('PEXPIRE', KEYS[5], math.ceil(tonumber(ARGV[10]) + tonumber(ARGV[8])) + 1000)
end
return {1, '0', 0}
"""

DONE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000 - tonumber(ARGV[4])
local add = ARGV[5] == '1' and 'NX' or 'XX'
redis.call('ZADD', KEYS[1], add, now, ARGV[1])
local spacing = tonumber(ARGV[2])
local ready = tonumber(redis.call('GET', KEYS[2]) or '0')
if add == 'XX' or now + spacing > ready then
  redis.call('SET', KEYS[2], tostring(now + spacing), 'PX', math.ceil(spacing) + 1000)
end
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[3], add, now, ARGV[1])
  redis.call('PEXPIRE', KEYS[3], math.ceil(tonumber(ARGV[6])) + 1000)
end
return 1
"""

PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local untill = math.max(now + tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(untill), 'PX', math.ceil(untill - now) + 1000)
return 1
"""
