#!/usr/bin/env bash
# Argon2id at AuthApp's default cost: libsodium vs the warm workspace (docs/passwords.md). First hash of a fresh
# process (5 processes each), then the steady state in one process. Other builds share the CPU here: run it as
#   flock /tmp/authapp.lock bench/argon2.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/Argon2Bench -nologo -v q -clp:ErrorsOnly >/dev/null
bin=bench/Argon2Bench/bin/Release/net10.0/Argon2Bench.dll
for i in 1 2 3 4 5; do
  dotnet "$bin" first libsodium
  dotnet "$bin" first warm
done
dotnet "$bin" steady "${HASHES:-200}"
