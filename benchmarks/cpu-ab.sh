#!/usr/bin/env bash
# The pinned A/B comparison of docs/benchmarks.md: the loopback server on one core, the clients on the other, CPU time
# per request of the client process, raw HttpClient and the others alternated round by round. Never run by CI.
#   benchmarks/cpu-ab.sh                                   # 7 rounds x 50,000 requests, 1 and 32 callers
#   benchmarks/cpu-ab.sh --rounds 5 --requests 20000       # quicker
#   benchmarks/cpu-ab.sh --clients raw,session             # a subset
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/pinned-server.sh serve

echo "# $machine, server on core $server_core, clients on core $client_core"
DOTNET_TieredPGO=1 taskset -c "$client_core" dotnet "$dll" cpu-ab "$base" "$@"
if python3 -c 'import requests' 2>/dev/null; then
  echo
  echo "## python-requests (reference)"
  taskset -c "$client_core" python3 benchmarks/python/bench_requests.py "$base" --cpu 5000
fi
