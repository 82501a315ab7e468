-- A mixed load through the gateway: reads, searches and writes (new materials).
-- Arguments (after `--`): a run id (unique material numbers), the path of a file where the
-- numbers of accepted writes are appended, and the share of writes and searches in percent.
-- Prints one JSON line at the end: counts by status class, latency percentiles.

local run_id, accepted_path = "run", "/dev/null"
local write_share, search_share = 20, 20
local counter = 0
local accepted_file = nil
local words = {"pump", "valve", "bearing", "motor", "seal", "gear", "housing", "shaft"}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  run_id = args[1] or run_id
  accepted_path = args[2] or accepted_path
  write_share = tonumber(args[3] or write_share)
  search_share = tonumber(args[4] or search_share)
  accepted_file = io.open(accepted_path, "a")
  status_2xx, status_4xx, status_5xx, status_other = 0, 0, 0, 0
  math.randomseed(os.time())
end

function request()
  counter = counter + 1
  local pick = counter % 100
  if pick < write_share then
    local number = string.format("LOAD-%s-%d", run_id, counter)
    local body = string.format(
      '{"number":"%s","description":"load %s %s","type":"raw","base_unit":"EA"}',
      number, run_id, words[counter % #words + 1])
    -- wrk.format takes these headers instead of the -H ones: copy those in first.
    local headers = {["Content-Type"] = "application/json"}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    return wrk.format("POST", "/api/inventory/materials", headers, body)
  elseif pick < write_share + search_share then
    return wrk.format("GET", "/api/search?q=" .. words[counter % #words + 1])
  end
  return wrk.format("GET", "/api/inventory/materials?limit=20")
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    status_2xx = status_2xx + 1
    if status == 201 then
      local number = body:match('"number":"(LOAD%-[^"]+)"')
      if number then accepted_file:write(number, "\n"); accepted_file:flush() end
    end
  elseif status >= 400 and status < 500 then
    status_4xx = status_4xx + 1
  elseif status >= 500 then
    status_5xx = status_5xx + 1
  else
    status_other = status_other + 1
  end
end

function done(summary, latency, requests)
  local s2, s4, s5 = 0, 0, 0
  for _, thread in ipairs(threads) do
    s2 = s2 + thread:get("status_2xx")
    s4 = s4 + thread:get("status_4xx")
    s5 = s5 + thread:get("status_5xx")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "status_2xx": %d, "status_4xx": %d, "status_5xx": %d,'
    .. ' "socket_errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration / 1e6, s2, s4, s5, errors,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
