#!/usr/bin/env bash
# Sourced by the benchmarks: a temp dir ($tmp) removed on exit with every process started ($pids), and a PostgreSQL and a
# Redis on loopback only (the machine's postgres and redis-server), with psql_ to run SQL as the postgres user.
# Ports: PG_PORT (55432), REDIS_PORT (56379). Also wrk_run and run, shared by the benchmarks' measurements.
tmp=$(mktemp -d /tmp/authapp-compare-XXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# PostgreSQL (as the postgres user when run as root: it refuses to run as root) and Redis, both on loopback only.
pgbin=$(dirname "$(readlink -f "$(command -v postgres 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -1)")")
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(setpriv --reuid=postgres --regid=postgres --clear-groups); chown postgres "$tmp"; fi
pg_port=${PG_PORT:-55432}; redis_port=${REDIS_PORT:-56379}; api_port=${API_PORT:-55180}; peer_port=${PEER_PORT:-55190}
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/pg" -U postgres --auth=trust -E UTF8 >"$tmp/initdb.log"
"${as_pg[@]}" "$pgbin/postgres" -D "$tmp/pg" -p "$pg_port" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$tmp" \
  -c max_connections=200 >"$tmp/postgres.log" 2>&1 &
pids+=($!)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" >"$tmp/redis.log" 2>&1 &
pids+=($!)
for i in $(seq 1 100); do "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.2; done
"$pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" || { cat "$tmp/postgres.log" >&2; exit 1; }
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.2; done
psql_() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -qAt "$@"; }

# wrk with a Lua script → one line "rps=… p50=… p99=… ok=… errors=…", like bench/LoadGen. Arguments: connections, script, url.
wrk_run() { # connections script url [threads (2)]
  local out; out=$(mktemp "$tmp/wrk-XXXX") # its own file: two runs may go at once (bench/sizing.sh)
  # A 30 s timeout: after its default 2 s wrk would send a refresh chain's token again, which is reuse.
  wrk -t"${4:-2}" -c"$1" -d"${SECONDS_PER_RUN:-10}"s --timeout 30s --latency -s "$2" "$3" >"$out"
  python3 - "$out" <<'PY'
import re,sys
t=open(sys.argv[1]).read()
def ms(v,u): return float(v)*{'us':0.001,'ms':1,'s':1000}[u]
lat={m.group(1):ms(m.group(2),m.group(3)) for m in re.finditer(r'^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$',t,re.M)}
rps=float(re.search(r'Requests/sec:\s+([\d.]+)',t).group(1))
total=int(re.search(r'(\d+) requests in',t).group(1))
bad=re.search(r'Non-2xx or 3xx responses: (\d+)',t); bad=int(bad.group(1)) if bad else 0
print(f"rps={rps:.1f} p50={lat['50']:.2f} p99={lat['99']:.2f} ok={total-bad} errors={bad}")
PY
}

# run KEY command…: the command's one-line result, kept in R[KEY] and shown as it comes.
declare -A R
run() { local key=$1; shift; echo "  $key…" >&2; R[$key]=$("$@"); echo "    ${R[$key]}" >&2; }

# The deployment's one secret (HS256's key; under ES256 it seals the key ring's private keys): every API process of a
# benchmark gets the same, as replicas do.
deployment_secret=$(head -c 48 /dev/urandom | base64 | tr -d '/+=')

# The API as deployed — Production, started from its output folder (so its appsettings.json applies), ES256, its issuer
# its own address — after the migration worker has made the schema in database authdb. Extra settings as arguments
# (Name=value …). Needs $out; sets A to the API's address and returns once it is healthy. The services of a benchmark
# reach it over loopback HTTP, with no proxy in between to say the request came over HTTPS (OAuth:RequireHttps off).
start_api() {
  export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
  export ConnectionStrings__authdb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=authdb"
  export ConnectionStrings__cache="127.0.0.1:$redis_port"
  # The API refuses to start without a mail server and a link address; nothing listens there, no mail matters here.
  export ConnectionStrings__mail="Endpoint=smtp://127.0.0.1:9" Email__LinkBaseUrl="http://127.0.0.1/"
  (cd AuthApp.MigrationService/$out && dotnet AuthApp.MigrationService.dll) >"$tmp/migrations.log" 2>&1
  A=http://127.0.0.1:$api_port
  env Jwt__SigningKey="$deployment_secret" Jwt__Issuer=$A/ Jwt__SigningAlgorithm=ES256 \
    OAuth__RequireHttps=false ASPNETCORE_URLS=$A "$@" bash -c "cd AuthApp.Api/$out && exec dotnet AuthApp.Api.dll" >"$tmp/api-$api_port.log" 2>&1 &
  pids+=($!)
  until curl -sf $A/api/health >/dev/null; do sleep 0.5; done
}

# The figures of R as a small table file per run, bench/results/<bench>-<time>-<commit>.json (RESULTS_DIR elsewhere),
# for bench/results.py (medians of runs, and a check between two of them). Argument: the benchmark's name.
write_results() {
  local dir=${RESULTS_DIR:-bench/results} commit
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  mkdir -p "$dir"
  local file="$dir/$1-$(date -u '+%Y%m%dT%H%M%SZ')-$commit.json"
  python3 - "$file" "$1" "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$(nproc)" "$commit" <<PY
import json, sys
$(results_py)
path, bench, date, cores, commit = sys.argv[1:6]
figures = {k: {m: float(v) for m, v in p(line).items()} for k, line in R.items()}
json.dump({"bench": bench, "date": date, "cores": int(cores), "commit": commit, "figures": figures}, open(path, "w"), indent=1)
PY
  echo "figures written to $file" >&2
}

# The measurements for a script's Python table: R (key → "rps=… p50=… …"), p(line) → dict, f(number) → "1,234".
results_py() {
  printf 'R = {'
  for k in "${!R[@]}"; do printf '"%s": "%s",' "$k" "${R[$k]}"; done
  printf '}\ndef p(s): return dict(kv.split("=") for kv in s.split())\ndef f(x): return f"{float(x):,.0f}"\n'
}
