#!/usr/bin/env bash
# Whether a request's cost stays flat as the work grows: cookie selection with 10,000 cookies of unrelated domains,
# redirect chains of 10/100/1,000 hops, 1 to 64 concurrent callers with lock contention. Prints target, measured and
# PASS/MISS. The raw-socket server runs on one core and the loopback clients on the other; the in-memory callers
# section runs on every core (it has no server) with server GC, as a server app would. Never run by CI.
#   benchmarks/scaling.sh                        # 5 rounds
#   benchmarks/scaling.sh --rounds 3 --scale 0.3 # quicker, noisier
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/pinned-server.sh serve-raw

echo "# $machine, server on core $server_core, loopback clients on core $client_core"
status=0
taskset -c "$client_core" dotnet "$dll" scaling "$base" --only cookies,redirects,callers-loopback "$@" || status=1
DOTNET_gcServer=1 dotnet "$dll" scaling --no-loopback --only callers "$@" || status=1
exit $status
