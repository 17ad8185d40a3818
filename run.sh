#!/usr/bin/env bash
# The whole app through the Aspire AppHost: PostgreSQL, Redis, migrations, API and the dashboard.
# Extra arguments go to the AppHost, e.g. ./run.sh AuthApp:Infrastructure=local
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
source scripts/dev-certificate.sh

# Without HTTPS development certificates the dashboard runs on http (the AppHost's "http" profile).
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
exec dotnet run --project AuthApp.AppHost --launch-profile http -- "$@"
