#!/usr/bin/env bash
# Sourced by the benchmarks: a temp dir ($tmp) removed on exit with every process started ($pids), and a PostgreSQL and a
# Redis on loopback only (the machine's postgres and redis-server), with psql_ to run SQL as the postgres user.
# Ports: PG_PORT (55432), REDIS_PORT (56379).
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
