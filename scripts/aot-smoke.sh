#!/usr/bin/env bash
# Publishes samples/AotSmoke as a Native AOT binary (PublishAot=true, trim and AOT warnings are errors) and runs it:
# a loopback server in the app itself, a GET, a redirect with a cookie, a JSON body written and read through a
# source-generated JsonSerializerContext, the cookie jar's JSON persistence, and a named session bound from
# configuration through dependency injection. Installs clang and zlib1g-dev (needed by the native linker) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v clang >/dev/null 2>&1 || need+=(clang)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing the Native AOT toolchain: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "aot-smoke: no Native AOT runtime identifier for $(uname -m)" >&2; exit 1 ;;
esac

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log="$out/publish.log"
start=$(date +%s)
if ! dotnet publish samples/AotSmoke/AotSmoke.csproj -c Release -r "$rid" -o "$out/bin" -nologo -clp:NoSummary >"$log" 2>&1; then
  cat "$log"
  echo "aot-smoke: publish failed" >&2
  exit 1
fi
# Trim and AOT analysis warnings (IL2xxx, IL3xxx) fail the publish already; this also catches any that were demoted.
if grep -E 'warning (IL[23][0-9]{3})' "$log"; then
  echo "aot-smoke: the publish reported trim or AOT warnings" >&2
  exit 1
fi

binary="$out/bin/AotSmoke"
size=$(stat -c %s "$binary")
echo "aot-smoke: published $rid in $(( $(date +%s) - start )) s, binary $(( size / 1024 )) KiB"
scripts/without-proxy-env "$binary" | tee "$out/run.log"
grep -qx 'AOT smoke: all checks passed' "$out/run.log"
