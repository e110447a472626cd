#!/usr/bin/env bash
# Refreshes the Public Suffix List the library embeds (src/Pipeline/Cookies/public_suffix_list.dat) and the list's
# own test data (tests/Pipeline.Tests/Cookies/test_psl.txt) from Debian's `publicsuffix` package, and writes the
# package version into src/Pipeline/Cookies/README.md and docs/security.md.
#   scripts/update-public-suffix-list.sh            # the version apt offers
# Needs apt-get and dpkg-deb (Debian or Ubuntu); run `apt-get update` first for the newest version.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && apt-get download publicsuffix >/dev/null)
deb=$(ls "$work"/publicsuffix_*.deb)
version=$(dpkg-deb --field "$deb" Version)
dpkg-deb --extract "$deb" "$work/root"

list="$work/root/usr/share/publicsuffix/public_suffix_list.dat"
tests="$work/root/usr/share/doc/publicsuffix/examples/test_psl.txt"
[ -s "$list" ] || { echo "the package has no public_suffix_list.dat" >&2; exit 1; }
grep -q '===BEGIN ICANN DOMAINS===' "$list" && grep -q '===BEGIN PRIVATE DOMAINS===' "$list" \
  || { echo "public_suffix_list.dat lacks the ICANN or the PRIVATE section" >&2; exit 1; }

cp "$list" src/Pipeline/Cookies/public_suffix_list.dat
if [ -s "$tests" ]; then
  cp "$tests" tests/Pipeline.Tests/Cookies/test_psl.txt
fi

# The list's version in each document: "version 20230209.2326-1" (Debian's version of the package).
sed -i -E "s/version [0-9]{8}\.[0-9]{4}-[0-9A-Za-z.+~]+/version $version/" \
  src/Pipeline/Cookies/README.md docs/security.md

rules=$(grep -cvE '^\s*(//|$)' src/Pipeline/Cookies/public_suffix_list.dat)
echo "public_suffix_list.dat: publicsuffix $version, $rules rules"
echo "Run the tests: dotnet test tests/Pipeline.Tests -c Release --filter FullyQualifiedName~PublicSuffix"
