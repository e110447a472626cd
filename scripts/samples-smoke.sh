#!/usr/bin/env bash
# Runs each offline sample once, as the README's Samples table says, and fails when one fails: Quickstart, Download
# (4 MiB) and AspNetHost's --self-test, each built in Release first. AotSmoke has its own script (scripts/aot-smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

run() {
  local name=$1
  shift
  echo "samples: $name"
  if ! scripts/without-proxy-env timeout 120 dotnet run --project "samples/$name" -c Release -- "$@" > "$logs/$name.log" 2>&1; then
    echo "samples: $name failed:" >&2
    cat "$logs/$name.log" >&2
    exit 1
  fi
}

run Quickstart
run Download 4
run AspNetHost --self-test
echo "samples: Quickstart, Download and AspNetHost ran"
