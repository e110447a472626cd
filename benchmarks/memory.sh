#!/usr/bin/env bash
# Peak extra working set of reading a large body (buffered with and without Content-Length, streamed), each case in a
# child process of its own; prints target, measured and PASS/MISS. The raw-socket server runs on one core, the clients
# on the other. Never run by CI.
#   benchmarks/memory.sh                                # 200 MB (streamed also 1 GB)
#   benchmarks/memory.sh --size-mb 100 --large-mb 512   # smaller
#   benchmarks/memory.sh --cases session-length,session-chunked
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/pinned-server.sh serve-raw

echo "# $machine, server on core $server_core, clients on core $client_core"
taskset -c "$client_core" dotnet "$dll" memory "$base" "$@"
