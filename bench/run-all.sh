#!/usr/bin/env bash
# Runs the benchmarks of docs/performance.md against a Release AppHost in local mode with a throw-away data directory.
# Usage: bench/run-all.sh   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d /tmp/authapp-bench-XXXX)
chmod 755 "$data"
dotnet build -c Release AuthApp.AppHost -v q -nologo >/dev/null
ASPIRE_ALLOW_UNSECURED_TRANSPORT=true AuthApp__Local__DataDirectory="$data" \
  dotnet run -c Release --no-build --project AuthApp.AppHost --launch-profile http >"$data/apphost.log" 2>&1 &
apphost=$!
# `dotnet run` does not pass the signal on: stop its child (the AppHost, which stops DCP and the servers) too.
trap 'pkill -TERM -P $apphost 2>/dev/null; kill $apphost 2>/dev/null; wait $apphost 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf localhost:5180/api/health >/dev/null; do sleep 1; done

api_port=$(ss -ltnp | grep 'AuthApp.Api' | awk '{print $4}' | sed 's/.*://' | head -1)
pg_port=$(ss -ltnp | grep '"postgres"' | awk '{print $4}' | sed 's/.*://' | head -1)
export PGPASSWORD=$(cat "$data/postgres.secret")
psql_() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d authdb -qAt "$@"; }
D=http://localhost:$api_port/api/v1
export BENCH_EMAIL=bench@example.com BENCH_PASSWORD=Bench-Pass-Horse-42
login() { curl -s -X POST $D/user/login -H 'Content-Type: application/json' -H "X-Forwarded-For: 192.0.2.$((RANDOM % 250 + 1))" \
  -d "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}" | python3 -c "import json,sys;print(json.load(sys.stdin)['$1'])"; }

curl -s -o /dev/null -X POST $D/user/create -H 'Content-Type: application/json' \
  -d "{\"username\":\"benchuser\",\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}"
hash=$(psql_ -c "select password_hash from users where username='benchuser'")

if [ "${ME_ONLY:-}" = 1 ]; then
  export ACCESS_TOKEN=$(login access_token)
  for run in warm-up measured; do
    echo "-- GET /user/me ($run)"; wrk -t2 -c32 -d15s -s bench/me.lua $D/user/me | grep -E 'Requests/sec|Latency|Non-2xx'
  done
  exit 0 # the trap stops the app
fi

for target in 1000 1000000; do
  psql_ -v target=$target -v hash="$hash" -f bench/seed-users.sql
  psql_ -c "checkpoint" -c "vacuum analyze" >/dev/null
  echo "== $(psql_ -c 'select count(*) from users') users"
  export ACCESS_TOKEN=$(login access_token)
  q="select xact_commit+xact_rollback from pg_stat_database where datname='authdb'"
  before=$(psql_ -c "$q")
  echo "-- GET /user/me"; wrk -t2 -c32 -d15s -s bench/me.lua $D/user/me | grep -E 'Requests/sec|Latency|Non-2xx|requests in'
  echo "   authdb transactions during the run: $(( $(psql_ -c "$q") - before ))"
  echo "-- POST /user/login"; wrk -t2 -c8 -d15s -s bench/login.lua $D/user/login | grep -E 'Requests/sec|Latency|Non-2xx'
  tokens=""; for i in $(seq 1 16); do tokens="$tokens,$(login refresh_token)"; done; export REFRESH_TOKENS=${tokens#,}
  echo "-- POST /user/refresh (16 rotation chains)"; wrk -t16 -c16 -d15s -s bench/refresh.lua $D/user/refresh | grep -E 'Requests/sec|Latency|Non-2xx'
done

export ACCESS_TOKEN=$(login access_token)
wrk -t1 -c64 -d20s -s bench/login.lua $D/user/login >"$data/flood.txt" 2>&1 &
flood=$!
sleep 3
echo "-- GET /user/me during a 64-connection login flood"; wrk -t1 -c16 -d15s -s bench/me.lua $D/user/me | grep -E 'Requests/sec|Latency|Non-2xx'
wait $flood || true
echo "-- the flood"; grep -E 'Requests/sec|Non-2xx|timeout' "$data/flood.txt"
