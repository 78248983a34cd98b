import { createHash } from 'node:crypto';

/**
 * The Lua scripts: each is one atomic step on the server, so no read-then-write ever happens from Node.
 * Every script takes the same six keys of one session (one hash tag, so one cluster slot):
 * 1 meta (hash: seq, status, halted, budget counters, lastStep, lastFlag, started, updated, incarnation,
 * logBytes, droppedEntries and droppedBytes (what the bounded log dropped), and one
 * `escalation:<id>` field per open question), 2 the log (list), 3 the pinned session start, 4 reservation
 * expiries (sorted set), 5 reservation amounts (hash), 6 open questions to a human by expiry (sorted set).
 * Money and tokens are integers (HINCRBY), never floats. Only commands Valkey shares with Redis.
 * A replica's scripts carry the session's incarnation as the replica knows it ('' before it has seen the
 * session): the meta field `incarnation` is written by the session's first write, so a replica whose
 * session's keys vanished (expired, flushed, evicted) is answered {'lost'} instead of a blank session.
 * The meta field `parts` records, after every script that writes, what the five other keys hold; a key
 * evicted or deleted since (its meta kept) no longer matches it, and the session is lost to every replica,
 * one joining it included, instead of being judged on what is left.
 */
const COMMON = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function release(id)
  redis.call('ZREM', KEYS[4], id)
  local amount = redis.call('HGET', KEYS[5], id)
  if not amount then return end
  redis.call('HDEL', KEYS[5], id)
  local t, n = string.match(amount, '^(%d+):(%d+)$')
  redis.call('HINCRBY', KEYS[1], 'reservedTokens', 0 - tonumber(t))
  redis.call('HINCRBY', KEYS[1], 'reservedNano', 0 - tonumber(n))
end
local function purge(now)
  local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 256)
  for _, id in ipairs(expired) do release(id) end
end
local function read_since(seen, seq)
  local len = redis.call('LLEN', KEYS[2])
  local first = seq - len
  if seen < first or seen > seq then
    return 1, redis.call('GET', KEYS[3]) or '', redis.call('LRANGE', KEYS[2], 0, -1)
  end
  return 0, '', redis.call('LRANGE', KEYS[2], seen - first, -1)
end
-- The session's incarnation if the replica's (known: '' before it has seen the session) is still it;
-- false when the keys it used are gone, or belong to a session started since under the same id.
local function incarnation(known)
  local stored = redis.call('HGET', KEYS[1], 'incarnation')
  if known ~= '' and stored ~= known then return false end
  return stored or ''
end
-- The first write of a session names its incarnation (a session without meta has no other key either:
-- \`whole\` refused the script otherwise).
local function begin(inc, proposed)
  if inc ~= '' then return inc end
  redis.call('HSET', KEYS[1], 'incarnation', proposed)
  return proposed
end
-- What the five other keys hold: Redis evicts and deletes whole keys, and only these scripts write them,
-- so between two scripts these sizes change only if a key went missing. The log's length follows its
-- trimming, reservations their expiry, questions theirs: all recorded by the script that made the change.
-- STRLEN, not EXISTS, for the start: EXISTS does not count as a use, and under an LRU policy the start,
-- read only by a joining replica, would be the first key of a live session to be evicted.
local NOTHING = '0:0:0:0:0'
local function parts()
  return redis.call('LLEN', KEYS[2]) .. ':' .. redis.call('STRLEN', KEYS[3]) .. ':' .. redis.call('ZCARD', KEYS[4]) .. ':' .. redis.call('HLEN', KEYS[5]) .. ':' .. redis.call('ZCARD', KEYS[6])
end
-- Whether the session's keys are all there as its last write left them. Without a record: a session
-- never written holds no key at all (keys without their meta are what an eviction of the meta left), and
-- one written before \`parts\` was recorded is taken as whole until its next write records them.
local function whole()
  local recorded = redis.call('HGET', KEYS[1], 'parts')
  if recorded then return recorded == parts() end
  return redis.call('EXISTS', KEYS[1]) == 1 or parts() == NOTHING
end
-- Called at the end of a script that found the session whole: a session that is not yet written to (no
-- incarnation) gets no meta from it, and one found broken stays broken.
local function record()
  if redis.call('HEXISTS', KEYS[1], 'incarnation') == 1 then redis.call('HSET', KEYS[1], 'parts', parts()) end
end
local function touch(ttl)
  for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
local function open_questions(now)
  local expired = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', now, 'LIMIT', 0, 64)
  for _, id in ipairs(expired) do
    redis.call('ZREM', KEYS[6], id)
    redis.call('HDEL', KEYS[1], 'escalation:' .. id)
  end
  return redis.call('ZCARD', KEYS[6])
end
local function open_question(id, pending, expires)
  redis.call('ZADD', KEYS[6], expires, id)
  redis.call('HSET', KEYS[1], 'escalation:' .. id, pending)
end
`;

/**
 * Appends only if the log still has \`seen\` entries, and the status and whether a question is open are still
 * what the decision assumed; otherwise answers with what changed: 0, seq, status, halted, open questions,
 * rebuild, start, then the entries after \`seen\`. With the entry: reconciles an llm.call (releases its
 * reservation, books the actual spend), writes a halt, and opens the question the entry puts to a human, in
 * the same step. ARGV: seen, status, entry, ttl, maxLog, chargeTokens, chargeNano, reservationId, halt,
 * halted, isStart, lastFlag, lastStep, escalating ('1' assumed open), question id, question, its expiry,
 * known incarnation, proposed incarnation, maxLogBytes. Reply on success: 1, seq, status, halted, open questions,
 * incarnation; on a conflict the incarnation follows start, before the entries; {'lost'} if the session is gone.
 */
const APPEND = `${COMMON}
local inc = incarnation(ARGV[18])
if inc == false or not whole() then return {'lost'} end
local reply = (function()
local seen = tonumber(ARGV[1])
local m = redis.call('HMGET', KEYS[1], 'seq', 'status', 'halted')
local seq = tonumber(m[1] or '0')
local status = m[2] or 'active'
local halted = m[3] or ''
local now = now_ms()
local open = open_questions(now)
if seq ~= seen or status ~= ARGV[2] or (open > 0) ~= (ARGV[14] == '1') then
  local rebuild, start, entries = read_since(seen, seq)
  local reply = {0, seq, status, halted, open, rebuild, start, inc}
  for _, e in ipairs(entries) do reply[#reply + 1] = e end
  return reply
end
inc = begin(inc, ARGV[19])
local ttl = tonumber(ARGV[4])
redis.call('RPUSH', KEYS[2], ARGV[3])
seq = seq + 1
-- The log keeps at most maxLog entries and maxLogBytes bytes (the newest entry always), oldest dropped
-- first and counted; at most the log's length is dropped per append.
local bytes = redis.call('HINCRBY', KEYS[1], 'logBytes', #ARGV[3])
local len = redis.call('LLEN', KEYS[2])
local maxLog, maxBytes = tonumber(ARGV[5]), tonumber(ARGV[20])
local dropped, droppedBytes = 0, 0
while len > 1 and (len > maxLog or bytes > maxBytes) do
  local old = redis.call('LPOP', KEYS[2])
  len = len - 1
  dropped = dropped + 1
  droppedBytes = droppedBytes + #old
  bytes = bytes - #old
end
if dropped > 0 then
  -- A log written before its bytes were counted holds more than the count says.
  if bytes < 0 then bytes = 0 end
  redis.call('HSET', KEYS[1], 'logBytes', bytes)
  redis.call('HINCRBY', KEYS[1], 'droppedEntries', dropped)
  redis.call('HINCRBY', KEYS[1], 'droppedBytes', droppedBytes)
end
if ARGV[11] == '1' then
  redis.call('SET', KEYS[3], ARGV[3])
  redis.call('HSET', KEYS[1], 'started', now)
end
if ARGV[8] ~= '' then release(ARGV[8]) end
purge(now)
if ARGV[6] ~= '0' then redis.call('HINCRBY', KEYS[1], 'spentTokens', ARGV[6]) end
if ARGV[7] ~= '0' then redis.call('HINCRBY', KEYS[1], 'spentNano', ARGV[7]) end
if ARGV[12] ~= '' then redis.call('HSET', KEYS[1], 'lastFlag', ARGV[12]) end
local halt = ARGV[9]
if halt == 'ended' then
  if status == 'active' then status = 'ended' end
elseif halt ~= '' and status ~= 'killed' then
  status = halt
  halted = ARGV[10]
  redis.call('HSET', KEYS[1], 'halted', halted)
end
if ARGV[15] ~= '' then
  open_question(ARGV[15], ARGV[16], ARGV[17])
  open = open + 1
end
redis.call('HSET', KEYS[1], 'seq', seq, 'status', status, 'lastStep', ARGV[13], 'updated', now)
touch(ttl)
return {1, seq, status, halted, open, inc}
end)()
record()
return reply
`;

/**
 * Admission: reserves the estimate only if spent + reserved + estimate stays within every cap (inclusive),
 * after releasing expired reservations (a crashed process's). ARGV: id, tokens, nano, maxTokens, maxNano,
 * reservationTtl, sessionTtl, force, known incarnation, proposed incarnation. Reply: outcome (1 reserved,
 * 0 over, -1 halted, -2 a question is open), status, halted, budget, incarnation (after a reservation);
 * {'lost'} if the session is gone.
 */
const RESERVE = `${COMMON}
local inc = incarnation(ARGV[9])
if inc == false or not whole() then return {'lost'} end
local reply = (function()
local now = now_ms()
purge(now)
local m = redis.call('HMGET', KEYS[1], 'status', 'halted', 'spentTokens', 'reservedTokens', 'spentNano', 'reservedNano')
local status = m[1] or 'active'
local halted = m[2] or ''
if status == 'paused' or status == 'killed' then return {-1, status, halted} end
if open_questions(now) > 0 then return {-2, status, halted} end
local st, rt, sn, rn = tonumber(m[3] or '0'), tonumber(m[4] or '0'), tonumber(m[5] or '0'), tonumber(m[6] or '0')
local t, n = tonumber(ARGV[2]), tonumber(ARGV[3])
if ARGV[8] ~= '1' and ((ARGV[4] ~= '' and st + rt + t > tonumber(ARGV[4])) or (ARGV[5] ~= '' and sn + rn + n > tonumber(ARGV[5]))) then
  return {0, status, halted, st, rt, sn, rn}
end
inc = begin(inc, ARGV[10])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[6]), ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
redis.call('HINCRBY', KEYS[1], 'reservedTokens', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'reservedNano', ARGV[3])
redis.call('HSET', KEYS[1], 'updated', now)
touch(tonumber(ARGV[7]))
return {1, status, halted, st, rt + t, sn, rn + n, inc}
end)()
record()
return reply
`;

/** Gives a reservation back; releasing twice, or after it expired, changes nothing. ARGV: id. {'lost'} if the session is broken. */
const RELEASE = `${COMMON}
if not whole() then return {'lost'} end
-- A session that is gone (no key left, \`whole\` saw to that) has no budget to give back: no meta is written for it.
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
release(ARGV[1])
record()
return 1
`;

/**
 * kill | pause | resume | read (changes nothing). A killed session stays killed; resume lifts only a pause.
 * ARGV: op, halted, ttl ('' keeps the session's), mustExist ('1': an unknown session is reported, not created),
 * known incarnation ('' from an operator). Reply: found (1 or -1), status, halted, status before, open
 * questions, whole (1, or 0: some of its keys are missing, see `parts`); {'lost'} to a replica if the session
 * is gone or broken (an operator's change is made on a broken session too).
 */
const STATUS = `${COMMON}
if incarnation(ARGV[5] or '') == false then return {'lost'} end
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
-- An operator's kill or pause holds even on a broken session (its replicas are refused anyway); a replica's is refused.
local intact = whole()
if not intact and ARGV[4] ~= '1' then return {'lost'} end
local reply = (function()
local m = redis.call('HMGET', KEYS[1], 'status', 'halted')
local status = m[1] or 'active'
local halted = m[2] or ''
local before = status
local op = ARGV[1]
local now = now_ms()
if op == 'read' then return {1, status, halted, before, open_questions(now), intact and 1 or 0} end
if op == 'resume' then
  if status == 'paused' then
    status = 'active'
    halted = ''
    redis.call('HDEL', KEYS[1], 'halted')
  end
elseif status ~= 'killed' then
  status = op == 'kill' and 'killed' or 'paused'
  halted = ARGV[2]
  redis.call('HSET', KEYS[1], 'halted', halted)
end
redis.call('HSET', KEYS[1], 'status', status, 'updated', now)
if ARGV[3] ~= '' then touch(tonumber(ARGV[3])) end
return {1, status, halted, before, open_questions(now), intact and 1 or 0}
end)()
if intact then record() end
return reply
`;

/**
 * Opens a question put to a human, or closes one with the halt its answer ends in (not over a kill), in one
 * step. ARGV: open | close, id, question, its expiry, halt ('' | paused | killed), halted, ttl, known
 * incarnation. Reply: status, halted, open questions; {'lost'} if the session is gone.
 */
const ESCALATION = `${COMMON}
if incarnation(ARGV[8]) == false or not whole() then return {'lost'} end
local reply = (function()
local now = now_ms()
if ARGV[1] == 'open' then
  open_question(ARGV[2], ARGV[3], ARGV[4])
else
  redis.call('ZREM', KEYS[6], ARGV[2])
  redis.call('HDEL', KEYS[1], 'escalation:' .. ARGV[2])
end
local m = redis.call('HMGET', KEYS[1], 'status', 'halted')
local status = m[1] or 'active'
local halted = m[2] or ''
if ARGV[5] ~= '' and status ~= 'killed' then
  status = ARGV[5]
  halted = ARGV[6]
  redis.call('HSET', KEYS[1], 'status', status, 'halted', halted, 'updated', now)
end
touch(tonumber(ARGV[7]))
return {status, halted, open_questions(now)}
end)()
record()
return reply
`;

/**
 * What the listing shows of one session, changing nothing: 1 if its keys are whole (see \`parts\`) or 0,
 * then its meta's fields and values (none: the session is gone).
 */
const SUMMARY = `${COMMON}
local reply = {whole() and 1 or 0}
for _, value in ipairs(redis.call('HGETALL', KEYS[1])) do reply[#reply + 1] = value end
return reply
`;

/**
 * Deletes a session's keys so its id can start afresh, in one step. ARGV: force ('1': a whole or killed session too).
 * Reply: found (1, or 0: none of its keys exists), whole (1 or 0, see \`parts\`), status, deleted (1 or 0: refused,
 * the session is whole or killed and force was not given). A replica still holding the session knows its
 * incarnation, which no longer matches: it is answered {'lost'}, never handed the new session's keys.
 */
const FORGET = `${COMMON}
local any = 0
for i = 1, 6 do any = any + redis.call('EXISTS', KEYS[i]) end
if any == 0 then return {0, 0, '', 0} end
local intact = whole()
local status = redis.call('HGET', KEYS[1], 'status') or 'active'
if ARGV[1] ~= '1' and (intact or status == 'killed') then return {1, intact and 1 or 0, status, 0} end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return {1, intact and 1 or 0, status, 1}
`;

export interface LuaScript {
  source: string;
  sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export const SCRIPTS = {
  append: script(APPEND),
  reserve: script(RESERVE),
  release: script(RELEASE),
  status: script(STATUS),
  escalation: script(ESCALATION),
  summary: script(SUMMARY),
  forget: script(FORGET),
} as const;
