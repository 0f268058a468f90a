-- wrk script of bench/study_load.py: replays the requests of one file, one per line
-- (method TAB path TAB headers joined by \31 TAB body), prepared by the benchmark.
--
--   wrk -t2 -c50 -d20s --timeout 30s -s bench/load.lua http://127.0.0.1:PORT \
--       -- requests.tsv once|cycle THREADS 200,201
--
-- Each wrk thread takes every THREADS-th line. "once": a request is sent at most once (an
-- answer to a question cannot be sent twice); when a thread has sent all of its own it
-- sends GET /healthz and counts it as spilled, which the benchmark reports as an error
-- (the file was too short for the server's pace). "cycle": the lines are sent over again.
-- A status not in the list counts as unexpected. done() prints one line of JSON.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, mode, count = args[1], args[2], tonumber(args[3])
  expected = {}
  for code in string.gmatch(args[4], "%d+") do
    expected[tonumber(code)] = true
  end
  once = mode == "once"
  local lines = {}
  for line in io.lines(file) do
    table.insert(lines, line)
  end
  -- Cycling through fewer lines than threads (the baseline is one request), a thread would
  -- have none, and wrk would send whatever request() returned, nil included: then each
  -- thread takes every line. Sent once, a line stays with one thread.
  local share = once or #lines >= count
  requests = {}
  for n, line in ipairs(lines) do
    if not share or (n - 1) % count == id then
      local method, path, headers, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local fields = {}
      for pair in string.gmatch(headers, "[^\31]+") do
        local name, value = pair:match("^([^:]+): (.*)$")
        fields[name] = value
      end
      if body == "" then
        body = nil
      end
      table.insert(requests, wrk.format(method, path, fields, body))
    end
  end
  index = 0
  unexpected = 0
  spilled = 0
  sample = ""
end

function request()
  index = index + 1
  if index > #requests then
    if once then
      spilled = spilled + 1
      return wrk.format("GET", "/healthz")
    end
    index = 1
  end
  return requests[index]
end

function response(status, headers, body)
  if not expected[status] then
    unexpected = unexpected + 1
    if sample == "" then
      sample = status .. " " .. string.sub(body or "", 1, 160):gsub('[%c"\\]', " ")
    end
  end
end

function done(summary, latency, requests)
  local unexpected_total, spilled_total, sample_any = 0, 0, ""
  for _, thread in ipairs(threads) do
    unexpected_total = unexpected_total + thread:get("unexpected")
    spilled_total = spilled_total + thread:get("spilled")
    if sample_any == "" then
      sample_any = thread:get("sample")
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, '
      .. '"unexpected": %d, "spilled": %d, "sample": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.connect, errors.read, errors.write, errors.timeout,
    unexpected_total, spilled_total, sample_any
  ))
end
