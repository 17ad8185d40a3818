-- POST a form with HTTP Basic client authentication: the token endpoint (client credentials) or introspection.
-- Environment: FORM (the body), BASIC (base64 of client_id:client_secret). TLS ends at a proxy in production:
-- X-Forwarded-Proto says so, as the proxy would (OpenIddict serves its endpoints over HTTPS only outside Development).
wrk.method = "POST"
wrk.body = os.getenv("FORM")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BASIC")
wrk.headers["X-Forwarded-Proto"] = "https"
