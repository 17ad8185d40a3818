-- POST refresh, each thread following its own rotation chain (run with as many threads as connections): every
-- response's refresh token is presented by the next request, as a real client does.
--   REFRESH_TOKENS  one token per thread, comma-separated
--   STYLE           "authapp" (default): header X-Refresh-Token, answer field refresh_token;
--                   "identity": ASP.NET Core Identity's body {"refreshToken": …}, answer field refreshToken
local tokens = {}
for token in string.gmatch(os.getenv("REFRESH_TOKENS"), "[^,]+") do table.insert(tokens, token) end
local identity = os.getenv("STYLE") == "identity"
local field = identity and '"refreshToken":"([^"]+)"' or '"refresh_token":"([^"]+)"'
local index = 0
setup = function(thread)
  index = index + 1
  thread:set("token", tokens[index])
end
wrk.method = "POST"
if identity then wrk.headers["Content-Type"] = "application/json" end
local n = 0
request = function()
  n = n + 1
  -- many client addresses, so the per-address refresh limit does not shape the measurement
  wrk.headers["X-Forwarded-For"] = string.format("203.0.%d.%d", math.floor(n / 250) % 250, n % 250 + 1)
  if identity then
    return wrk.format(nil, nil, nil, '{"refreshToken":"' .. token .. '"}')
  end
  wrk.headers["X-Refresh-Token"] = token
  return wrk.format()
end
response = function(status, headers, body)
  local next_token = string.match(body, field)
  if next_token then token = next_token end
end
