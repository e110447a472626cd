#!/usr/bin/env bash
# Peak extra working set of reading a large body (buffered with and without Content-Length, streamed), each case in a
# child process of its own; prints target, measured and PASS/MISS. The raw-socket server runs on one core, the clients
# on the other. Never run by CI.
#   benchmarks/memory.sh                                # 200 MB (streamed also 1 GB)
#   benchmarks/memory.sh --size-mb 100 --large-mb 512   # smaller
#   benchmarks/memory.sh --cases session-length,session-chunked
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
taskset -c "$server_core" dotnet "$dll" serve-raw >"$server_log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$server_log"' EXIT
for _ in $(seq 1 100); do grep -q '^http://' "$server_log" && break; sleep 0.1; done
base=$(grep -m1 '^http://' "$server_log")

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), server on core $server_core, clients on core $client_core, load:$(uptime | sed 's/.*load average://')"
taskset -c "$client_core" dotnet "$dll" memory "$base" "$@"
