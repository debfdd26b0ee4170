-- wrk script: one kind of request, described by environment variables.
--   BENCH_METHOD  GET, POST, PUT...
--   BENCH_PATH    may contain {id}: a random id in [BENCH_ID_MIN, BENCH_ID_MAX]
--   BENCH_BODY    optional JSON; {n} becomes a unique number, {sign} 1 or -1
--   BENCH_COOKIE  the session cookie header value
-- Prints one JSON line with the counts and the p50/p99 latency.
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local id_min = tonumber(os.getenv("BENCH_ID_MIN") or "1")
local id_max = tonumber(os.getenv("BENCH_ID_MAX") or "1")
local counter = 0

function setup(thread)
  thread:set("thread_seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(os.time() + (thread_seed or 0))
end

function request()
  counter = counter + 1
  local target = path:gsub("{id}", tostring(math.random(id_min, id_max)))
  local headers = {["Content-Type"] = "application/json"}
  if cookie then headers["Cookie"] = cookie end
  local payload = nil
  if body then
    payload = body:gsub("{n}", counter .. "x" .. math.random(1, 1000000000))
    payload = payload:gsub("{sign}", math.random(0, 1) == 0 and "-1" or "1")
  end
  return wrk.format(method, target, headers, payload)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "socket_errors": %d, "non2xx": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(99)))
end
