-- POST /api/v1/user/login as BENCH_EMAIL; each request from its own documentation-range address,
-- so the per-address limiter treats the load as many clients (the hashing gate still applies).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"email":"%s","password":"%s"}', os.getenv("BENCH_EMAIL"), os.getenv("BENCH_PASSWORD"))
local n = 0
request = function()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = string.format("198.51.%d.%d", math.floor(n / 250) % 250, n % 250 + 1)
  return wrk.format()
end
