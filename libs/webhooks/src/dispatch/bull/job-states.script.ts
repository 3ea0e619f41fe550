/** Where a delivery's job stands in Bull, as `JOB_STATES_SCRIPT` tells. */
export type JobState = 'missing' | 'delayed' | 'queued' | 'active';

/** What a requeued delivery's batch-job mark is named after: `<prefix><delivery id>:batch`. */
export const BATCH_MARK_SUFFIX = ':batch';

// Where each job of a chunk stands, in one round trip. A job is missing when Redis has no hash
// for it, or a hash without its data: a worker that was mid-attempt when Redis restarted empty
// writes its bookkeeping (processedOn, attemptsMade, ...) into a fresh, bare hash that belongs
// to no list, and nothing would ever run it. A job never taken (no processedOn) waits in a list
// by construction; one taken before that is looked for in the active list (being run: it may be
// past its attempt, finishing) and the waiting lists (LPOS, Redis 6.0.6+; older servers:
// assumed queued). A delivery without a job of its own is queued while a batch job that marked
// it (see `MARK_BATCH_SCRIPT`) still exists: a mark outliving its job (done, lost) counts for nothing.
export const JOB_STATES_SCRIPT = `
local prefix = ARGV[1]
local states = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local key = prefix .. id
  local state = 'missing'
  if redis.call('HEXISTS', key, 'data') == 1 then
    if redis.call('ZSCORE', prefix .. 'delayed', id) then
      state = 'delayed'
    elseif redis.call('HEXISTS', key, 'processedOn') == 0 then
      state = 'queued'
    else
      for _, list in ipairs({ 'active', 'wait', 'paused' }) do
        local ok, position = pcall(redis.call, 'LPOS', prefix .. list, id)
        if not ok or position then
          state = (ok and list == 'active') and 'active' or 'queued'
          break
        end
      end
    end
  else
    local batch = redis.call('GET', key .. '${BATCH_MARK_SUFFIX}')
    if batch and redis.call('HEXISTS', prefix .. batch, 'data') == 1 then
      state = 'queued'
    end
  end
  states[#states + 1] = state
end
return states
`;

// Marks each delivery (ARGV[4..]) as held by the batch job ARGV[2], for ARGV[3] ms at most.
export const MARK_BATCH_SCRIPT = `
local prefix = ARGV[1]
for i = 4, #ARGV do
  redis.call('SET', prefix .. ARGV[i] .. '${BATCH_MARK_SUFFIX}', ARGV[2], 'PX', ARGV[3])
end
return #ARGV - 3
`;
