#!/usr/bin/env bash
# The figures of docs/sizing.md: what each kind of request costs AuthApp, PostgreSQL and Redis, measured as deployed
# (Release, `dotnet <dll>`, Production, ES256, the default Argon2id cost, PostgreSQL and Redis on loopback) on this
# machine, one phase per kind of request. bench/probe.py reads each process's CPU and the stores' counters around a
# phase and divides by the requests it served:
#   login          POST /user/login, 8 closed-loop clients (bench/LoadGen)
#   refresh        POST /user/refresh, 8 rotation chains
#   me             GET /user/me, wrk -t2 -c32
#   grant          POST /connect/token, client credentials, wrk -t2 -c8
#   introspect     POST /connect/introspect, wrk -t2 -c32
#   logout         POST /user/logout of sessions made beforehand, 8 clients
#   sessions       logins made for the logout phase: what a live session holds in Redis
# then the same login, refresh and GET across two API processes on one PostgreSQL and one Redis.
# Prints the tables and writes bench/results/sizing-<time>-<commit>.json (bench/results.py compares two of them).
# Other builds share the CPU here: run it as   flock /tmp/authapp.lock bench/sizing.sh
# Needs: .NET 10 SDK, postgresql, redis-server, wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CLIENTS=${CLIENTS:-8}
SESSIONS=${SESSIONS:-1000}
echo "building (Release)…" >&2
for project in AuthApp.Api AuthApp.MigrationService bench/LoadGen; do
  dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly >/dev/null
done
out=bin/Release/net10.0
source bench/servers.sh # $tmp, pids (PostgreSQL's, Redis's, …), cleanup; psql_, run, start_api, wrk_run, results_py
psql_ -c "create database authdb"
export PG_PID=${pids[0]} REDIS_PID=${pids[1]} PG_PORT=$pg_port REDIS_PORT=$redis_port
start_api
export API_PIDS=${pids[-1]}
api1=$A

email=bench@example.com password=Bench-Pass-Horse-42 body='{"email":"bench@example.com","password":"Bench-Pass-Horse-42"}'
field() { python3 -c "import json,sys;print(json.load(sys.stdin)['$1'])"; }
curl -sf -o /dev/null -X POST $A/api/v1/user/create -H 'Content-Type: application/json' \
  -d "{\"username\":\"benchuser\",\"email\":\"$email\",\"password\":\"$password\"}"
psql_ -d authdb -c "update users set is_staff = true"
login() { curl -sf -X POST $1/api/v1/user/login -H 'Content-Type: application/json' \
  -H "X-Forwarded-For: 192.0.2.$((RANDOM % 250 + 1))" -d "$body" | field "$2"; }
secret=$(curl -sf -X POST $A/api/v1/admin/clients -H "Authorization: Bearer $(login $A access_token)" \
  -H 'Content-Type: application/json' -d '{"client_id":"inventory","scopes":["inventory.read"],"audiences":["inventory"]}' \
  | field client_secret)
basic=$(printf 'inventory:%s' "$secret" | base64 -w0)

gen() { CLIENTS=${GEN_CLIENTS:-$CLIENTS} SECONDS=$SECONDS_PER_RUN dotnet bench/LoadGen/$out/LoadGen.dll "$@"; }
chains() { local t=""; for i in $(seq 1 "$2"); do t="$t,$(login "$1" refresh_token)"; done; echo "${t#,}"; }
a_login() { gen login $1/api/v1/user/login "$body"; }
a_refresh() { gen refresh $1/api/v1/user/refresh authapp "$(chains $1 "${GEN_CLIENTS:-$CLIENTS}")"; }
a_me() { ACCESS_TOKEN=$(login $1 access_token) wrk_run "${WRK_CONNECTIONS:-32}" bench/me.lua $1/api/v1/user/me; }
a_grant() { FORM="grant_type=client_credentials" BASIC=$basic wrk_run 8 bench/form.lua $1/connect/token; }
a_introspect() { FORM="token=$(login $1 access_token)" BASIC=$basic wrk_run 32 bench/form.lua $1/connect/introspect; }

# measure KEY command…: the command's line and, from bench/probe.py, what the phase cost per request, in R[KEY].
probe() { python3 bench/probe.py "$@"; }
measure() {
  local key=$1; shift
  echo "  $key…" >&2
  probe snapshot >"$tmp/before.json"
  local line; line=$("$@")
  probe snapshot >"$tmp/after.json" # CPU, memory and Redis as the phase ends
  # A PostgreSQL backend that goes idle within a second of its last statistics report keeps the rest for its idle
  # report, 10 s later (PostgreSQL 15+): wait for it, or the counts of one phase land in the next.
  sleep 11
  probe snapshot >"$tmp/settled.json"
  R[$key]=$(probe delta "$tmp/before.json" "$tmp/after.json" "$line" "$tmp/settled.json")
  echo "    ${R[$key]}" >&2
}

echo "warming up (the JIT compiles under load for the first seconds)…" >&2
for f in a_login a_refresh a_me a_grant a_introspect; do SECONDS_PER_RUN=8 GEN_CLIENTS=2 $f $A >/dev/null; done
sleep 11 # the warm-up's statistics reported (see measure)
R[idle]="api_rss_mib=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' /proc/$API_PIDS/status)"

echo "measuring, one API process…" >&2
measure login a_login $A
measure refresh a_refresh $A
measure me a_me $A
measure grant a_grant $A
measure introspect a_introspect $A
measure sessions gen sessions $A "$body" "$SESSIONS" "$tmp/sessions.txt"
measure logout gen logout $A "$tmp/sessions.txt"
# What each kind of key costs in Redis (MEMORY USAGE of up to 200 keys of the kind: key, value, expiry, overhead).
python3 - "$redis_port" >"$tmp/keys.txt" <<'PY'
import re, subprocess, sys
cli = ["redis-cli", "-p", sys.argv[1]]
kinds = {}
for key in subprocess.run(cli + ["--scan"], capture_output=True, text=True).stdout.split():
    kinds.setdefault(re.sub(r":[0-9A-Fa-f-]{16,}$", "", key), []).append(key)
for kind, keys in sorted(kinds.items(), key=lambda k: -len(k[1])):
    sample = keys[:200]
    sizes = [int(subprocess.run(cli + ["memory", "usage", k], capture_output=True, text=True).stdout or 0) for k in sample]
    print(f"{kind} {len(keys)} {sum(sizes) / len(sizes):.0f}")
PY

# Two API processes (API_PORT+1 the second) on the same PostgreSQL and Redis, each with half the clients, at once.
api_port=$((api_port + 1)); start_api
api2=$A
export API_PIDS="$API_PIDS ${pids[-1]}"
for f in a_login a_refresh a_me; do SECONDS_PER_RUN=8 GEN_CLIENTS=2 $f $api2 >/dev/null; done
sleep 11
both() { # phase: the phase on both APIs at once; the lines' rates and counts summed, the larger latencies kept
  GEN_CLIENTS=$((CLIENTS / 2)) WRK_CONNECTIONS=16 "$1" $api1 >"$tmp/one.txt" &
  GEN_CLIENTS=$((CLIENTS / 2)) WRK_CONNECTIONS=16 "$1" $api2 >"$tmp/two.txt"
  wait $!
  python3 - "$tmp/one.txt" "$tmp/two.txt" <<'PY'
import sys
a, b = (dict(kv.split("=") for kv in open(f).read().split()) for f in sys.argv[1:3])
print(" ".join(f"{k}={(float(a[k]) + float(b[k]) if k in ('rps', 'ok', 'errors') else max(float(a[k]), float(b[k]))):.2f}" for k in a))
PY
}
echo "measuring, two API processes…" >&2
measure login2 both a_login
measure refresh2 both a_refresh
measure me2 both a_me

python3 - "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$(lscpu | sed -n 's/^Model name: *//p')" "$tmp/keys.txt" \
  "$(psql_ -c 'show max_connections')" "$(redis-cli -p "$redis_port" config get maxmemory-policy | tail -1)" <<PY
import sys
$(results_py)
date, cores, model, keys, max_connections, policy = sys.argv[1:7]
print(f"AuthApp sizing — {date}, {cores} cores ({model}), Release, ES256, Argon2id default cost, PostgreSQL + Redis on loopback")
print()
print("| one API process | req/s | p50 ms | API CPU ms/req | req/s per API core | PostgreSQL CPU ms/req | Redis CPU ms/req | machine busy |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
rows = [("login", "password login (8 clients)"), ("refresh", "refresh (8 chains)"), ("me", "GET /user/me (wrk -c32)"),
        ("grant", "client credentials (wrk -c8)"), ("introspect", "introspection (wrk -c32)"), ("logout", "logout (8 clients)")]
for key, label in rows:
    r = p(R[key])
    print(f"| {label} | {f(r['rps'])} | {r['p50']} | {r['api_ms']} | {f(r['per_api_core'])} | {r['pg_ms']} | {r['redis_ms']} | {float(r['machine_busy']):.0%} |")
print()
print("| per 100 requests | commits | rows written | WAL records | WAL bytes | WAL syncs | Redis commands |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for key, label in rows:
    r = p(R[key])
    print(f"| {label} | {r['commits_per100']} | {r['rows_per100']} | {r['wal_records_per100']} | {f(r['wal_bytes_per100'])} | {r['wal_syncs_per100']} | {float(r['redis_commands_per']) * 100:.0f} |")
print()
print("| Redis key kind (after the one-process phases) | keys | bytes each (MEMORY USAGE) | MiB per 100,000 |")
print("| --- | ---: | ---: | ---: |")
for line in open(keys):
    kind, count, size = line.split()
    print(f"| {kind} | {int(count):,} | {size} | {float(size) * 1e5 / 2**20:.1f} |")
peak = max(float(p(R[k])["api_peak_mib"]) for k in ("login", "refresh", "me", "grant", "introspect", "sessions", "logout"))
print()
print(f"- API memory: {p(R['idle'])['api_rss_mib']} MiB resident at idle after warm-up; peak {peak:.0f} MiB over the one-process phases")
print(f"- PostgreSQL max_connections {max_connections}; Redis maxmemory-policy {policy}")
print()
print("| two API processes | req/s | p50 ms | API CPU ms/req | req/s per API core | PostgreSQL CPU ms/req | machine busy | one process req/s |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for key, label in rows[:3]:
    r, one = p(R[key + "2"]), p(R[key])
    print(f"| {label} | {f(r['rps'])} | {r['p50']} | {r['api_ms']} | {f(r['per_api_core'])} | {r['pg_ms']} | {float(r['machine_busy']):.0%} | {f(one['rps'])} |")
PY

write_results sizing
