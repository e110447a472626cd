# Sourced by the pinned benchmark scripts: builds the benchmarks, starts the loopback server of mode $1 ("serve" or
# "serve-raw") on the last core and sets $dll, $base, $server_core and $client_core; the server stops on exit.
project=benchmarks/Pipeline.Benchmarks
dll=$project/bin/Release/net10.0/Pipeline.Benchmarks.dll
cores=$(nproc)
server_core=$((cores - 1))
client_core=0
[ "$cores" -ge 2 ] || { echo "needs two cores: one for the server, one for the clients"; exit 1; }
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed"; exit 1; }

dotnet build -c Release "$project" >/dev/null
server_log=$(mktemp)
taskset -c "$server_core" dotnet "$dll" "$1" >"$server_log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$server_log"' EXIT
for _ in $(seq 1 100); do grep -q '^http://' "$server_log" && break; sleep 0.1; done
base=$(grep -m1 '^http://' "$server_log")
machine="$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), load:$(uptime | sed 's/.*load average://')"
