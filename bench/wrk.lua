-- wrk script for `python -m bench`; settings come from the environment.
--
-- BENCH_MODE=read: GET wrk's URL as a logged-in reviewer.
-- BENCH_MODE=tag: POST a status to the claims listed in BENCH_TARGETS ("claim_id article_id"
--   per line) as htmx does from the article page, without a version, so every request is
--   a change: each claim goes sourced, disputed, sourced... (the benchmark resets them to
--   unverified before a run). Every 200 answer's "claim:version" is kept, so the benchmark
--   can match each success with its history row afterwards.
-- BENCH_FIRST_PATH: with a pause, what each connection asks for first (a stylesheet).
-- BENCH_COOKIES: a file of session tokens, one per reviewer; requests take them in turn.
-- BENCH_DELAY_MS: the mean pause before each request on a connection (a reviewer reading
--   between clicks), drawn uniformly from 0 to twice that so the connections do not click in
--   lockstep; 0 or unset: back to back, which measures the server at saturation.
-- Prints one line "BENCH_RESULT {json}" at the end.

local mode = os.getenv("BENCH_MODE") or "read"
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local cookies, targets, counter = {}, {}, 0
local write_path, origin
local statuses = {"sourced", "disputed"}
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local delays = 0
local first_requests = 0  -- this thread's connections: their first request goes at once
seen = {}

function init(args)
  for line in io.lines(os.getenv("BENCH_COOKIES")) do
    if line ~= "" then cookies[#cookies + 1] = "workbench_session=" .. line end
  end
  origin = os.getenv("BENCH_ORIGIN")
  math.randomseed(os.time() + 7919 * thread_id)
  local threads_total = tonumber(os.getenv("BENCH_THREADS"))
  local connections = tonumber(os.getenv("BENCH_CONNECTIONS"))
  first_requests = math.floor(connections / threads_total)
      + ((thread_id < connections % threads_total) and 1 or 0)
  if mode == "tag" then
    write_path = os.getenv("BENCH_WRITE_PATH")
    local index = 0
    -- Each wrk thread takes its own share of the claims, so no two requests in flight
    -- ever touch the same claim.
    for line in io.lines(os.getenv("BENCH_TARGETS")) do
      if index % threads_total == thread_id then
        local claim, article = line:match("(%d+) (%d+)")
        targets[#targets + 1] = {claim, article}
      end
      index = index + 1
    end
  end
end

if pause > 0 then
  function delay()
    -- wrk would pause before a connection's first request too, and gunicorn gives a new
    -- connection a thread that waits for its first bytes: at 64 connections that stalls
    -- the others, which no browser does (it sends as soon as it connects).
    delays = delays + 1
    if delays <= first_requests then
      return 0
    end
    return math.random(0, 2 * pause)
  end
end

function request()
  counter = counter + 1
  local cookie = cookies[(counter - 1) % #cookies + 1]
  if pause > 0 and counter <= first_requests then
    -- Paced: each connection opens with the stylesheet, as a page load does, so the first
    -- clicks are spread out by the pause instead of arriving all at once.
    return wrk.format("GET", os.getenv("BENCH_FIRST_PATH"), {["Cookie"] = cookie})
  end
  if mode ~= "tag" then
    return wrk.format("GET", nil, {["Cookie"] = cookie, ["Sec-Fetch-Site"] = "same-origin"})
  end
  local target = targets[(counter - 1) % #targets + 1]
  local lap = math.floor((counter - 1) / #targets)
  return wrk.format("POST", string.format(write_path, target[1]), {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["HX-Request"] = "true",
    ["HX-Current-URL"] = origin .. "/articles/" .. target[2],
    ["Sec-Fetch-Site"] = "same-origin",
    ["Origin"] = origin,
  }, "status=" .. statuses[lap % 2 + 1])
end

if mode == "tag" then
  function response(status, headers, body)
    -- The ASGI server sends its header names in lower case (HTTP/1.1 does not mind).
    local content_type = headers["Content-Type"] or headers["content-type"] or ""
    local warm_up = content_type:find("text/css") or body == "ok"
    if status == 200 and not warm_up then
      local claim = body:match('id="claim%-(%d+)"')
      -- The row's status form carries the version it was drawn at in its action.
      local version = body:match('/status%?version=(%d+)"')
      seen[#seen + 1] = (claim or "?") .. ":" .. (version or "?")
    end
  end
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    local kept = thread:get("seen")
    if kept then
      for _, item in ipairs(kept) do all[#all + 1] = item end
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}, ' ..
    '"seen": "%s"}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, table.concat(all, ",")))
end
