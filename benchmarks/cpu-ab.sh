#!/usr/bin/env bash
# The pinned A/B comparison of docs/benchmarks.md: the loopback server on one core, the clients on the other, CPU time
# per request of the client process, raw HttpClient and the others alternated round by round. Never run by CI.
#   benchmarks/cpu-ab.sh                                   # 7 rounds x 50,000 requests, 1 and 32 callers
#   benchmarks/cpu-ab.sh --rounds 5 --requests 20000       # quicker
#   benchmarks/cpu-ab.sh --clients raw,session             # a subset
set -euo pipefail
cd "$(dirname "$0")/.."
project=benchmarks/Pipeline.Benchmarks
dll=$project/bin/Release/net10.0/Pipeline.Benchmarks.dll
cores=$(nproc)
server_core=$((cores - 1))
client_core=0
[ "$cores" -ge 2 ] || { echo "needs two cores: one for the server, one for the clients"; exit 1; }
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed"; exit 1; }

dotnet build -c Release "$project" >/dev/null
server_log=$(mktemp)
taskset -c "$server_core" dotnet "$dll" serve >"$server_log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^http://' "$server_log" && break; sleep 0.1; done
base=$(grep -m1 '^http://' "$server_log")

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), server on core $server_core, clients on core $client_core"
DOTNET_TieredPGO=1 taskset -c "$client_core" dotnet "$dll" cpu-ab "$base" "$@"
if python3 -c 'import requests' 2>/dev/null; then
  echo
  echo "## python-requests (reference)"
  taskset -c "$client_core" python3 benchmarks/python/bench_requests.py "$base" --cpu 5000
fi
