#!/usr/bin/env bash
# Installs what AuthApp needs and the machine lacks, so that ./run.sh and ./test.sh work on a fresh
# Debian/Ubuntu machine with the .NET SDK. Sourced by both scripts.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "AuthApp needs the .NET 10 SDK (https://dot.net); 'dotnet' is not on PATH." >&2
  exit 1
fi

missing=()
# local mode (and the test suite) runs the machine's own PostgreSQL and Redis server programs.
if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  missing+=(redis-server)
fi
if ! command -v postgres >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
  missing+=(postgresql)
fi

# The Argon2id differential test compares AuthApp's own core with the reference C library.
if ! ldconfig -p 2>/dev/null | grep -q 'libargon2\.so\.1'; then
  missing+=(libargon2-1)
fi

# The staff console's browser tests drive Debian's Chromium through Playwright (Playwright's own browser download is not used).
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi

# A service written in Python validates AuthApp's tokens with PyJWT's PyJWKClient in the tests (Debian's python3).
if ! /usr/bin/python3 -c 'import jwt, cryptography' >/dev/null 2>&1; then
  missing+=(python3 python3-jwt python3-cryptography)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} with apt-get..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "AuthApp needs ${missing[*]}: run 'sudo apt-get install ${missing[*]}' (or use containers/external mode, see docs/configuration.md)." >&2
    exit 1
  fi
fi

# The repository's own tool manifest pins dotnet-ef for developers adding migrations.
dotnet tool restore >/dev/null
