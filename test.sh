#!/usr/bin/env bash
# Every test: unit tests and integration tests that start the real AppHost (local PostgreSQL and Redis).
# Ends with one line "N passed, N failed" totalled over all test projects.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build AuthApp.sln -c Release -nologo -v quiet -clp:ErrorsOnly
status=0
dotnet test AuthApp.sln -c Release --no-build --logger "trx" --results-directory "$results" "$@" || status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run failed before or outside any test (build, crash): never report it as green
fi
echo "$passed passed, $failed failed"
exit "$status"
