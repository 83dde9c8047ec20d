-- wrk script for bench/http_load.mjs: tools/list over Streamable HTTP on sessions opened beforehand.
-- SESSIONS_FILE holds one Mcp-Session-Id per line; each thread's requests go round-robin over them.
-- Every response is checked (status 200 and a body that opens with a tools/list result, as JSON or as an SSE
-- event), so a fast wrong answer counts as a failure, not as throughput. done() prints one "wrk-result {json}"
-- line for bench/http_load.mjs.
local ids, next_id, threads = {}, 0, {}
local body = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(os.getenv("SESSIONS_FILE")) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  next_id = math.random(#ids) - 1
  ok, bad = 0, 0
end

function request()
  next_id = next_id % #ids + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["Mcp-Session-Id"] = ids[next_id],
    ["MCP-Protocol-Version"] = "2025-11-25",
  }, body)
end

function response(status, headers, body)
  -- Both servers put the result first: {"jsonrpc":"2.0","id":1,"result":{"tools":[ or data: {"result":{"tools":[
  if status == 200 and body:sub(1, 80):find('"result":{"tools":[', 1, true) then
    ok = ok + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local ok_total, bad_total = 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    bad_total = bad_total + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'wrk-result {"requests":%d,"duration_us":%d,"ok":%d,"bad":%d,"p50_us":%d,"p99_us":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration, ok_total, bad_total, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
