-- POST /api/v1/user/refresh, each thread following its own rotation chain (one connection per thread):
-- every response's refresh_token is presented by the next request, as a real client does.
local tokens = {}
for token in string.gmatch(os.getenv("REFRESH_TOKENS"), "[^,]+") do table.insert(tokens, token) end
local index = 0
setup = function(thread)
  index = index + 1
  thread:set("token", tokens[index])
end
wrk.method = "POST"
local n = 0
request = function()
  n = n + 1
  wrk.headers["X-Refresh-Token"] = token
  -- many client addresses, so the per-address refresh limit does not shape the measurement
  wrk.headers["X-Forwarded-For"] = string.format("203.0.%d.%d", math.floor(n / 250) % 250, n % 250 + 1)
  return wrk.format()
end
response = function(status, headers, body)
  local next_token = string.match(body, '"refresh_token":"([^"]+)"')
  if next_token then token = next_token end
end
