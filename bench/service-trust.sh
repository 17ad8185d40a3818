#!/usr/bin/env bash
# Service trust, measured as deployed (Release, `dotnet <dll>`, PostgreSQL and Redis on loopback, ES256):
#   client credentials: POST /connect/token (HTTP Basic), wrk -t2 -c8      — each grant opens a session row
#   introspection:      POST /connect/introspect of a user's access token, wrk -t2 -c32
#   a service's GET /whoami with a user's token (samples/AuthApp.Samples.Service), wrk -t2 -c32:
#       with the client integration (revocation feed) and with a stock JwtBearer (Sample:PlainJwtBearer=true)
#   revocation latency: logout → the service refuses the token (bench/LoadGen revocation), 100 times
# Other builds share the CPU here: run it as   flock /tmp/authapp.lock bench/service-trust.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
echo "building (Release)…" >&2
for project in AuthApp.Api AuthApp.MigrationService samples/AuthApp.Samples.Service bench/LoadGen; do
  dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly >/dev/null
done
out=bin/Release/net10.0
source bench/servers.sh # $tmp, pids, cleanup; PostgreSQL and Redis on loopback; psql_
psql_ -c "create database authdb"
aware_port=$((api_port + 20)); plain_port=$((api_port + 21))

start_api

# A staff member registers a client for the services (audience "inventory").
email=bench@example.com password=Bench-Pass-Horse-42 body="{\"email\":\"bench@example.com\",\"password\":\"Bench-Pass-Horse-42\"}"
field() { python3 -c "import json,sys;print(json.load(sys.stdin)['$1'])"; }
curl -sf -o /dev/null -X POST $A/api/v1/user/create -H 'Content-Type: application/json' \
  -d "{\"username\":\"benchuser\",\"email\":\"$email\",\"password\":\"$password\"}"
psql_ -d authdb -c "update users set is_staff = true"
login() { curl -sf -X POST $A/api/v1/user/login -H 'Content-Type: application/json' -H "X-Forwarded-For: 192.0.2.$((RANDOM % 250 + 1))" -d "$body" | field "$1"; }
secret=$(curl -sf -X POST $A/api/v1/admin/clients -H "Authorization: Bearer $(login access_token)" -H 'Content-Type: application/json' \
  -d '{"client_id":"inventory","scopes":["inventory.read"],"audiences":["inventory"]}' | field client_secret)
basic=$(printf 'inventory:%s' "$secret" | base64 -w0)

service() { # port, plain?
  AuthApp__Authority=$A/ AuthApp__ClientId=inventory AuthApp__ClientSecret=$secret AuthApp__Audience=inventory \
    Sample__PlainJwtBearer=$2 ASPNETCORE_URLS=http://127.0.0.1:$1 \
    bash -c "cd samples/AuthApp.Samples.Service/$out && exec dotnet AuthApp.Samples.Service.dll" >"$tmp/service-$1.log" 2>&1 &
  pids+=($!)
  until curl -sf http://127.0.0.1:$1/alive >/dev/null; do sleep 0.5; done
}
service $aware_port false
service $plain_port true

wrk_() { wrk_run "$@"; } # connections, script, url (environment: ACCESS_TOKEN or FORM/BASIC)
token=$(login access_token)
grant() { FORM="grant_type=client_credentials" BASIC=$basic wrk_ 8 bench/form.lua $A/connect/token; }
introspect() { FORM="token=$token" BASIC=$basic wrk_ 32 bench/form.lua $A/connect/introspect; }
aware() { ACCESS_TOKEN=$token wrk_ 32 bench/me.lua http://127.0.0.1:$aware_port/whoami; }
plain() { ACCESS_TOKEN=$token wrk_ 32 bench/me.lua http://127.0.0.1:$plain_port/whoami; }

echo "warming up (the JIT compiles under load for the first seconds)…" >&2
for f in grant introspect aware plain; do SECONDS_PER_RUN=8 $f >/dev/null; done
echo "measuring…" >&2
run grant grant
run introspect introspect
run aware aware
run plain plain
run latency dotnet bench/LoadGen/$out/LoadGen.dll revocation $A http://127.0.0.1:$aware_port "$body" 100

python3 - "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" <<PY
import sys
$(results_py)
date, cores = sys.argv[1:3]
print(f"Service trust — {date}, {cores} cores, Release, ES256, PostgreSQL + Redis on loopback")
print()
print("| | req/s | p50 ms | p99 ms | errors |")
print("| --- | ---: | ---: | ---: | ---: |")
for key, label in [("grant", "POST /connect/token, client credentials (wrk -c8)"), ("introspect", "POST /connect/introspect (wrk -c32)"),
                   ("aware", "service GET, client integration (wrk -c32)"), ("plain", "service GET, stock JwtBearer (wrk -c32)")]:
    r = p(R[key]); print(f"| {label} | {f(r['rps'])} | {r['p50']} | {r['p99']} | {r['errors']} |")
a, pl, l = p(R["aware"]), p(R["plain"]), p(R["latency"])
print()
print(f"- the client integration's GET is {float(a['rps']) / float(pl['rps']):.0%} of the stock JwtBearer's")
print(f"- logout → refused by the service: p50 {l['p50']} ms, p99 {l['p99']} ms, max {l['max']} ms over {l['n']} logouts")
PY
