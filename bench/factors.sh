#!/usr/bin/env bash
# Logins with a second factor beside the password login, side by side in one run, measured as deployed (Release,
# `dotnet <dll>`, PostgreSQL and Redis on loopback, ES256, the default Argon2id cost), 8 closed-loop clients (bench/LoadGen):
#   password  POST /api/v1/user/login: one request, one Argon2id verification
#   totp      the same, answered 401 with a challenge, then POST /api/v1/user/login/second-factor with a fresh code
#   passkey   POST /api/v1/user/login/passkey/options, then POST /api/v1/user/login/passkey (a software passkey, P-256)
# Other builds share the CPU here: run it as   flock /tmp/authapp.lock bench/factors.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
echo "building (Release)…" >&2
for project in AuthApp.Api AuthApp.MigrationService bench/LoadGen; do
  dotnet build -c Release "$project" -nologo -v q -clp:ErrorsOnly >/dev/null
done
out=bin/Release/net10.0
source bench/servers.sh # $tmp, pids, cleanup; PostgreSQL and Redis on loopback; psql_, run, start_api
psql_ -c "create database authdb"
origin=http://localhost:$api_port # passkeys are bound to a domain name; the software passkey names this origin
start_api Passkeys__RelyingPartyId=localhost Passkeys__Origins__0=$origin

email=bench@example.com password=Bench-Pass-Horse-42 body='{"email":"bench@example.com","password":"Bench-Pass-Horse-42"}'
curl -sf -o /dev/null -X POST $A/api/v1/user/create -H 'Content-Type: application/json' \
  -d "{\"username\":\"benchuser\",\"email\":\"$email\",\"password\":\"$password\"}"
gen() { SECONDS=$SECONDS_PER_RUN dotnet bench/LoadGen/$out/LoadGen.dll "$@"; }
# Each TOTP account serves one login (a code is good once per 30-second step); password logins run near 60/s here.
accounts=$(( SECONDS_PER_RUN * 80 ))

echo "warming up (the JIT compiles under load for the first seconds)…" >&2
SECONDS_PER_RUN=8 gen login $A/api/v1/user/login "$body" >/dev/null
SECONDS_PER_RUN=4 gen login-passkey $A "$origin" >/dev/null
echo "measuring…" >&2
run password gen login $A/api/v1/user/login "$body"
run totp gen login-totp $A "$accounts"
run passkey gen login-passkey $A "$origin"

python3 - "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" <<PY
import sys
$(results_py)
date, cores = sys.argv[1:3]
print(f"Logins with a second factor — {date}, {cores} cores, Release, ES256, PostgreSQL + Redis on loopback, 8 clients")
print()
print("| login | logins/s | p50 ms | p99 ms | errors | vs password |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
base = float(p(R["password"])["rps"])
for key, label in [("password", "password (1 request)"), ("totp", "password + authenticator code (2 requests)"),
                   ("passkey", "passkey alone (2 requests)")]:
    r = p(R[key]); print(f"| {label} | {f(r['rps'])} | {r['p50']} | {r['p99']} | {r['errors']} | {float(r['rps']) / base:.2f}× |")
PY
