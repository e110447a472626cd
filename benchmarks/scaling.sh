#!/usr/bin/env bash
# Whether a request's cost stays flat as the work grows: cookie selection with 10,000 cookies of unrelated domains,
# redirect chains of 10/100/1,000 hops, 1 to 64 concurrent callers with lock contention. Prints target, measured and
# PASS/MISS. The raw-socket server runs on one core and the loopback clients on the other; the in-memory callers
# section runs on every core (it has no server) with server GC, as a server app would. Never run by CI.
#   benchmarks/scaling.sh                        # 5 rounds
#   benchmarks/scaling.sh --rounds 3 --scale 0.3 # quicker, noisier
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

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), server on core $server_core, loopback clients on core $client_core, load:$(uptime | sed 's/.*load average://')"
status=0
taskset -c "$client_core" dotnet "$dll" scaling "$base" --only cookies,redirects,callers-loopback "$@" || status=1
DOTNET_gcServer=1 dotnet "$dll" scaling --no-loopback --only callers "$@" || status=1
exit $status
