#!/usr/bin/env bash
# Runs the whole comparison and writes docs/benchmarks.md: BenchmarkDotNet (Pipeline, raw HttpClient, Flurl, RestSharp)
# and python-requests on the same loopback scenario. Never run by CI.
#   benchmarks/run.sh                 # default BenchmarkDotNet job
#   benchmarks/run.sh --job short     # quicker, noisier
set -euo pipefail
cd "$(dirname "$0")/.."
project=benchmarks/Pipeline.Benchmarks
artifacts=BenchmarkDotNet.Artifacts
python3 -c 'import requests' 2>/dev/null || { echo "python3 with requests is needed (apt-get install python3-requests)"; exit 1; }

dotnet build -c Release "$project" >/dev/null
dotnet run -c Release --no-build --project "$project" -- --filter '*' --exporters github --artifacts "$artifacts" "$@"

# The same loopback app for python-requests.
server_log=$(mktemp)
# The app itself, not `dotnet run` (which would leave it running when killed); it stops on SIGTERM.
dotnet "$project/bin/Release/net10.0/Pipeline.Benchmarks.dll" serve >"$server_log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^http://' "$server_log" && break; sleep 0.1; done
base=$(grep -m1 '^http://' "$server_log")
python_result=$(python3 benchmarks/python/bench_requests.py "$base" --seconds 5)
kill $server 2>/dev/null || true
wait $server 2>/dev/null || true

{
  echo "# Benchmarks"
  echo
  echo "Written by \`benchmarks/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Ratios are to the raw \`HttpClient\` baseline of each table."
  echo
  echo "## Machine"
  echo
  echo '```'
  echo "CPU:    $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores)"
  echo "Memory: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "OS:     $(. /etc/os-release && echo "$PRETTY_NAME"), $(uname -r)"
  echo ".NET:   $(dotnet --version) SDK"
  echo '```'
  echo
  for report in "$artifacts"/results/*-report-github.md; do
    name=$(basename "$report" -report-github.md)
    echo "## ${name##*.}"
    echo
    sed -n '/^|/p' "$report"
    echo
  done
  echo "## python-requests, loopback session scenario"
  echo
  echo '```json'
  echo "$python_result"
  echo '```'
  echo
  echo "Compare with \`LoopbackSessionBenchmark\`: requests per second = 1 s / Mean for every row (the 32-caller rows report the time per request)."
  echo
  # The hand-kept assessment against the targets; update it with each recorded run.
  cat benchmarks/notes.md
} > docs/benchmarks.md
echo "wrote docs/benchmarks.md"
