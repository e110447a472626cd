#!/usr/bin/env bash
# Runs the whole test suite. On a fresh Debian machine with the .NET SDK it first installs what the tests need
# (Debian's httpbin under gunicorn, tinyproxy, redis-server for the shared HTTP cache, and curl for
# PreparedRequest.ToCurl) when missing.
set -euo pipefail
cd "$(dirname "$0")"

need=()
[ -x /usr/bin/gunicorn ] || need+=(gunicorn)
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import httpbin' 2>/dev/null; } || need+=(python3-httpbin)
command -v tinyproxy >/dev/null 2>&1 || [ -x /usr/bin/tinyproxy ] || [ -x /usr/sbin/tinyproxy ] || need+=(tinyproxy)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# Packages are restored with the machine's proxy settings; the tests then run without them, so a proxy meant for the
# package feeds never intercepts the loopback servers (tests that need proxy variables set them themselves).
dotnet restore Pipeline.sln
scripts/without-proxy-env dotnet test Pipeline.sln -c Release --no-restore "$@"

# Native AOT: publish samples/AotSmoke with PublishAot=true (trim and AOT warnings are errors) and run the binary.
bash scripts/aot-smoke.sh

# The packages: pack, check what they carry, and build and run a new console app against them.
bash scripts/pack.sh

# The offline samples of the README's Samples table, each run once.
bash scripts/samples-smoke.sh
