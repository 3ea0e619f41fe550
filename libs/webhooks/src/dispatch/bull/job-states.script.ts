/** Where a delivery's job stands in Bull, as `JOB_STATES_SCRIPT` tells. */
export type JobState = 'missing' | 'delayed' | 'queued' | 'active' | 'in-active-batch';

/** The hash of the deliveries waiting in batch jobs (delivery id → batch job id), under the queue's prefix. */
export const BATCH_MARKS_KEY = 'batch-marks';

// Where each job of a chunk stands, in one round trip. A job is missing when Redis has no hash
// for it, or a hash without its data: a worker that was mid-attempt when Redis restarted empty
// writes its bookkeeping (processedOn, attemptsMade, ...) into a fresh, bare hash that belongs
// to no list, and nothing would ever run it. A job never taken (no processedOn) waits in a list
// by construction; one taken before that is looked for in the active list (being run: it may be
// past its attempt, finishing) and the waiting lists (LPOS, Redis 6.0.6+; older servers:
// assumed queued). A delivery without a job of its own is queued while the batch job that marked
// it (`BATCH_MARKS_KEY`) waits, and in an active batch while that job is being run (it may be
// done with the delivery); a mark outliving its job (lost, removed) counts for nothing, and goes.
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
    local batch = redis.call('HGET', prefix .. '${BATCH_MARKS_KEY}', id)
    if batch then
      if redis.call('HEXISTS', prefix .. batch, 'data') == 1 then
        local ok, position = pcall(redis.call, 'LPOS', prefix .. 'active', batch)
        state = (ok and position) and 'in-active-batch' or 'queued'
      else
        redis.call('HDEL', prefix .. '${BATCH_MARKS_KEY}', id)
      end
    end
  end
  states[#states + 1] = state
end
return states
`;
