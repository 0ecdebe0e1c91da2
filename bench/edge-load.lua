-- wrk script of bench/edge-load.sh: counts answers by HTTP status and ClickHouse error code
-- ("Code: NNN" in the body), summed over wrk's threads and printed by done() as "status ..." and
-- "chcode ..." lines.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {}; chcodes = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 and body then
    local code = string.match(body, "Code: (%d+)") or "none"
    chcodes[code] = (chcodes[code] or 0) + 1
  end
end
function done(summary, latency, requests)
  local s, c = {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do s[k] = (s[k] or 0) + v end
    for k, v in pairs(t:get("chcodes")) do c[k] = (c[k] or 0) + v end
  end
  for k, v in pairs(s) do io.write(string.format("status %s %d\n", k, v)) end
  for k, v in pairs(c) do io.write(string.format("chcode %s %d\n", k, v)) end
end
