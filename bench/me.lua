-- GET /api/v1/user/me with one access token: the authenticated hot path.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("ACCESS_TOKEN")
