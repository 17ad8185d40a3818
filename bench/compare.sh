#!/usr/bin/env bash
# AuthApp and ASP.NET Core Identity (bench/IdentityPeer: MapIdentityApi, bearer tokens, a pooled DbContext) side by side, as deployed:
# Release builds run with `dotnet <dll>` straight on a PostgreSQL and a Redis this script starts on loopback in a
# temp dir (the machine's postgres and redis-server; no AppHost, no dashboard, no telemetry export), both on the
# same PostgreSQL server (databases authdb and identitydb). The same generators drive both:
#   login: bench/LoadGen, 8 closed-loop clients for 10 s
#   refresh: 8 rotation chains for 10 s (each client presents the token its last answer gave), with wrk -t8 -c8
#     (bench/refresh.lua) and again with bench/LoadGen
#   authenticated GET (/api/v1/user/me vs /manage/info): wrk -t2 -c32 -d10s
# The generator is first checked against a bare endpoint (the peer's GET /bare). Prints one table.
# Other builds share the CPU here: run it as   flock /tmp/authapp.lock bench/compare.sh
# Needs: .NET 10 SDK, postgresql, redis-server, wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CLIENTS=${CLIENTS:-8}
echo "building (Release)…" >&2
for project in AuthApp.Api AuthApp.MigrationService bench/IdentityPeer bench/LoadGen; do
  dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly >/dev/null
done
out=bin/Release/net10.0
source bench/servers.sh # $tmp, pids, cleanup; PostgreSQL and Redis on loopback; psql_
psql_ -c "create database authdb" -c "create database identitydb"

export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export ConnectionStrings__authdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=authdb"
export ConnectionStrings__cache="127.0.0.1:$redis_port"
# The API refuses to start without a mail server and the front end's address (account mail). Nothing listens there:
# the benchmark sends no mail that matters (the registration's confirmation stays in the outbox, retried).
export ConnectionStrings__mail="Endpoint=smtp://127.0.0.1:9" Email__LinkBaseUrl="http://127.0.0.1/"
export ConnectionStrings__identitydb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=identitydb"
# Each service runs from its output folder, as a published app does: its content root, and so its appsettings.json
# (logging levels), is where it starts. (Started from elsewhere, ASP.NET Core logs every request at Information.)
(cd AuthApp.MigrationService/$out && dotnet AuthApp.MigrationService.dll) >"$tmp/migrations.log" 2>&1

Jwt__SigningKey=$(head -c 48 /dev/urandom | base64 | tr -d '/+=') Jwt__Issuer=http://127.0.0.1:$api_port/ \
  ASPNETCORE_URLS=http://127.0.0.1:$api_port \
  bash -c "cd AuthApp.Api/$out && exec dotnet AuthApp.Api.dll" >"$tmp/api.log" 2>&1 &
pids+=($!)
ASPNETCORE_URLS=http://127.0.0.1:$peer_port bash -c "cd bench/IdentityPeer/$out && exec dotnet IdentityPeer.dll" >"$tmp/peer.log" 2>&1 &
pids+=($!)
A=http://127.0.0.1:$api_port
I=http://127.0.0.1:$peer_port
until curl -sf $A/api/health >/dev/null; do sleep 0.5; done
until curl -sf $I/bare >/dev/null; do sleep 0.5; done

email=bench@example.com password=Bench-Pass-Horse-42
curl -sf -o /dev/null -X POST $A/api/v1/user/create -H 'Content-Type: application/json' \
  -d "{\"username\":\"benchuser\",\"email\":\"$email\",\"password\":\"$password\"}"
curl -sf -o /dev/null -X POST $I/register -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}"
body="{\"email\":\"$email\",\"password\":\"$password\"}"
field() { python3 -c "import json,sys;print(json.load(sys.stdin)['$1'])"; }
xff() { echo "192.0.2.$((RANDOM % 250 + 1))"; }
a_login() { curl -sf -X POST $A/api/v1/user/login -H 'Content-Type: application/json' -H "X-Forwarded-For: $(xff)" -d "$body" | field "$1"; }
i_login() { curl -sf -X POST $I/login -H 'Content-Type: application/json' -d "$body" | field "$1"; }
gen() { CLIENTS=$CLIENTS SECONDS=$SECONDS_PER_RUN dotnet bench/LoadGen/$out/LoadGen.dll "$@"; }
wrk_() { ACCESS_TOKEN=$1 wrk_run 32 bench/me.lua "$2"; }
# Refresh chains, each client presenting the token its last answer gave: with wrk (one thread per chain), and again
# with the .NET generator, whose own CPU per request (~0.2 ms here, as much as the API's) shares the two cores.
chains() { local t=""; for i in $(seq 1 "$CLIENTS"); do t="$t,$($1 "$2")"; done; echo "${t#,}"; }
wrk_chains() { REFRESH_TOKENS=$1 STYLE=$2 wrk_run "$CLIENTS" bench/refresh.lua "$3" "$CLIENTS"; }

# Every measured path runs for a few seconds first on both sides, so that each is measured in its steady state (the
# JIT's tiering of a path's code otherwise takes a good part of its first 10 s here).
echo "warming up…" >&2
for i in 1 2 3; do a_login access_token >/dev/null; i_login accessToken >/dev/null; done
SECONDS_PER_RUN=3 gen login $A/api/v1/user/login "$body" >/dev/null
SECONDS_PER_RUN=3 gen login $I/login "$body" >/dev/null
SECONDS_PER_RUN=5 wrk_chains "$(chains a_login refresh_token)" authapp $A/api/v1/user/refresh >/dev/null
SECONDS_PER_RUN=5 wrk_chains "$(chains i_login refreshToken)" identity $I/refresh >/dev/null
SECONDS_PER_RUN=3 gen refresh $A/api/v1/user/refresh authapp "$(chains a_login refresh_token)" >/dev/null
SECONDS_PER_RUN=3 gen refresh $I/refresh identity "$(chains i_login refreshToken)" >/dev/null
SECONDS_PER_RUN=5 wrk_ "$(a_login access_token)" $A/api/v1/user/me >/dev/null
SECONDS_PER_RUN=5 wrk_ "$(i_login accessToken)" $I/manage/info >/dev/null

echo "measuring…" >&2
run "generator:bare" gen bare $I/bare
run "wrk:bare" wrk_ none $I/bare
run "AuthApp:login" gen login $A/api/v1/user/login "$body"
run "Identity:login" gen login $I/login "$body"
run "AuthApp:refresh" wrk_chains "$(chains a_login refresh_token)" authapp $A/api/v1/user/refresh
run "Identity:refresh" wrk_chains "$(chains i_login refreshToken)" identity $I/refresh
run "AuthApp:refresh-dotnet" gen refresh $A/api/v1/user/refresh authapp "$(chains a_login refresh_token)"
run "Identity:refresh-dotnet" gen refresh $I/refresh identity "$(chains i_login refreshToken)"
q="select xact_commit+xact_rollback from pg_stat_database where datname='authdb'"
before=$(psql_ -d authdb -c "$q")
run "AuthApp:me" wrk_ "$(a_login access_token)" $A/api/v1/user/me
authdb_tx=$(( $(psql_ -d authdb -c "$q") - before ))
run "Identity:me" wrk_ "$(i_login accessToken)" $I/manage/info

# GET /user/me while 64 clients flood login: the hashing gate must not starve the authenticated path.
CLIENTS=64 SECONDS_PER_RUN=$((SECONDS_PER_RUN + 4)) gen login $A/api/v1/user/login "$body" >"$tmp/flood.txt" &
flood=$!
sleep 2
run "AuthApp:me-under-flood" wrk_ "$(a_login access_token)" $A/api/v1/user/me
wait $flood || true
R["AuthApp:flood"]=$(cat "$tmp/flood.txt")

python3 - "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$authdb_tx" <<PY
import sys
R = {$(for k in "${!R[@]}"; do printf '"%s": "%s",' "$k" "${R[$k]}"; done)}
def p(s): return dict(kv.split('=') for kv in s.split())
def f(x): return f"{float(x):,.1f}" if float(x) < 100 else f"{float(x):,.0f}"
date, cores, tx = sys.argv[1:4]
print(f"AuthApp vs ASP.NET Core Identity — {date}, {cores} cores, Release, PostgreSQL + Redis on loopback")
print()
print("| | AuthApp req/s | p50 ms | p99 ms | Identity req/s | p50 ms | p99 ms | AuthApp ÷ Identity |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for name, key, label in [("login", "login", "POST login (8 clients)"),
                         ("refresh", "refresh", "POST refresh (8 rotation chains, wrk)"),
                         ("refresh", "refresh-dotnet", "POST refresh (8 rotation chains, .NET generator)"),
                         ("me", "me", "GET me / manage/info (wrk -c32)")]:
    a, i = p(R["AuthApp:" + key]), p(R["Identity:" + key])
    ratio = float(a["rps"]) / float(i["rps"])
    err = "" if a["errors"] == "0" and i["errors"] == "0" else f" (errors: AuthApp {a['errors']}, Identity {i['errors']})"
    print(f"| {label} | {f(a['rps'])} | {a['p50']} | {a['p99']} | {f(i['rps'])} | {i['p50']} | {i['p99']} | **{ratio:.2f}**{err} |")
g, w, m, fl = p(R["generator:bare"]), p(R["wrk:bare"]), p(R["AuthApp:me-under-flood"]), p(R["AuthApp:flood"])
print()
print(f"- generator check, GET /bare: LoadGen (8 clients) {f(g['rps'])} req/s p50 {g['p50']} ms; wrk -c32 {f(w['rps'])} req/s p50 {w['p50']} ms")
print(f"- AuthApp GET /user/me during a 64-client login flood: {f(m['rps'])} req/s, p50 {m['p50']} ms, p99 {m['p99']} ms, errors {m['errors']}; the flood: {f(fl['rps'])} logins/s, {fl['errors']} refused")
print(f"- authdb transactions during the AuthApp GET /user/me run: {tx}")
PY

write_results compare
