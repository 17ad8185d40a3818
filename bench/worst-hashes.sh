#!/usr/bin/env bash
# The most expensive stored value each password format may hold, timed beside AuthApp's default Argon2id (best of 3,
# one core, Release): what one row placed in the users table can cost a login at most (docs/passwords.md).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/WorstHashBench -nologo -v q -clp:ErrorsOnly >/dev/null
dotnet bench/WorstHashBench/bin/Release/net10.0/WorstHashBench.dll
