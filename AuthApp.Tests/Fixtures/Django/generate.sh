#!/usr/bin/env bash
# Regenerates django-users.sql.gz and django-users.json beside this script with Django's own password hashers
# (generate.py): installs Debian's python3-django, python3-argon2 and python3-bcrypt when they are missing and this
# runs as root, else says which apt-get command to run. New salts, passwords and pepper each time; the tests read them.
set -euo pipefail
cd "$(dirname "$0")"

# Debian's packages install into the system Python, not into a pyenv or virtualenv one.
python=/usr/bin/python3
packages=(python3-django python3-argon2 python3-bcrypt)

if ! { [ -x "$python" ] && "$python" -c 'import django, argon2, bcrypt' 2>/dev/null; }; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${packages[*]} with apt-get..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "generate.py needs Django's hashers: run 'sudo apt-get install ${packages[*]}'." >&2
    exit 1
  fi
fi

exec "$python" generate.py "$@"
