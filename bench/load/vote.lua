-- PUT /api/v1/reviews/<id>/vote/ as many users: half the requests on one hot review (row-lock
-- contention on its counters), the rest spread over the reviews in play; helpful or not at random.
local dir = os.getenv("BENCH_DIR") or "."
local function lines(name)
  local t = {}
  for line in io.lines(dir .. "/" .. name) do if line ~= "" then t[#t + 1] = line end end
  return t
end
local tokens, reviews, hot = lines("tokens.txt"), lines("reviews.txt"), lines("hot_review.txt")[1]
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
end

request = function()
  local review = (math.random() < 0.5) and hot or reviews[math.random(#reviews)]
  local body = (math.random() < 0.7) and '{"helpful": true}' or '{"helpful": false}'
  local headers = {
    ["Authorization"] = "Token " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "application/json",
  }
  return wrk.format("PUT", "/api/v1/reviews/" .. review .. "/vote/", headers, body)
end

-- Non-2xx answers (a 429 from the rate limit, a 500) count as errors.status, never as throughput.
function done(summary, latency, requests)
  io.write(string.format("errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
