#!/usr/bin/env bash
# The soak of docs/reliability.md, outside CI: load figures at 1, 16 and 64 callers, then mixed faults on one session
# against a misbehaving loopback server (127.0.0.1 only), watching sockets, heap and errors. Exits 1 on an unexpected
# error or growth.
#   scripts/soak.sh            # load figures (5 s per row), then 20,000 requests
#   scripts/soak.sh --full     # 100,000 requests
#   scripts/soak.sh --requests 50000 --callers 32 --load-seconds 10 --no-load
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
for arg in "$@"; do
  if [ "$arg" = "--full" ]; then args+=(--requests 100000); else args+=("$arg"); fi
done
dotnet build -c Release benchmarks/Pipeline.Soak >/dev/null
scripts/without-proxy-env dotnet benchmarks/Pipeline.Soak/bin/Release/net10.0/Pipeline.Soak.dll "${args[@]}"
