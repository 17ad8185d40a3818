#!/usr/bin/env bash
# Creates and trusts the ASP.NET Core HTTPS development certificate, so the dashboard opens without its
# "No trusted development certificate" banner. Sourced by run.sh. Trust is per user and needs no prompt on Linux:
# `dotnet dev-certs https --trust` writes the certificate into $HOME/.aspnet/dev-certs/trust, which OpenSSL (and so
# .NET) reads once it is on SSL_CERT_DIR beside the system's own certificates. On macOS and Windows the command asks
# the user once; where it cannot (no session, no keychain) the app still runs, on http, with the banner.

dev_trust_dir="$HOME/.aspnet/dev-certs/trust"
if [ "$(uname -s)" = "Linux" ]; then
  system_dir=$(openssl version -d 2>/dev/null | sed -E 's/^OPENSSLDIR: "(.*)"$/\1/')/certs
  [ -d "$system_dir" ] || system_dir=/etc/ssl/certs
  export SSL_CERT_DIR="$dev_trust_dir:${SSL_CERT_DIR:-$system_dir}"
fi

if ! dotnet dev-certs https --check --trust >/dev/null 2>&1; then
  echo "Creating and trusting the HTTPS development certificate (dotnet dev-certs https --trust)..."
  dotnet dev-certs https --trust >/dev/null 2>&1 || true
  dotnet dev-certs https --check --trust >/dev/null 2>&1 \
    || echo "The development certificate is not trusted; the dashboard will say so. See docs/troubleshooting.md." >&2
fi
