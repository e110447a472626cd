#!/usr/bin/env bash
# Runs each offline sample once, as the README's Samples table says, and fails when one fails: Quickstart, Download
# (4 MiB) and AspNetHost's --self-test, each built in Release first. AotSmoke has its own script (scripts/aot-smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

run() {
  local name=$1
  shift
  echo "samples: $name"
  if ! env -u HTTP_PROXY -u http_proxy -u HTTPS_PROXY -u https_proxy -u ALL_PROXY -u all_proxy -u NO_PROXY -u no_proxy \
    timeout 120 dotnet run --project "samples/$name" -c Release -- "$@" > "/tmp/pipeline-sample-$name.log" 2>&1; then
    echo "samples: $name failed:" >&2
    cat "/tmp/pipeline-sample-$name.log" >&2
    exit 1
  fi
}

run Quickstart
run Download 4
run AspNetHost --self-test
echo "samples: Quickstart, Download and AspNetHost ran"
