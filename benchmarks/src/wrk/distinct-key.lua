-- wrk script of benchmarks/wrk.sh: a distinct X-K header on every request, so that each
-- rate-limit decision is on a bucket of its own ("spread" keys).
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

request = function()
  counter = counter + 1
  return wrk.format(nil, nil, { ["X-K"] = thread_id .. "-" .. counter })
end
