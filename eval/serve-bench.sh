#!/usr/bin/env bash
# Server benchmark (DESIGN §7: >= 5,000 checks/s on 2 cores on loopback, p99 < 5 ms, no errors).
# usage: eval/serve-bench.sh [SECONDS] [CONNECTIONS]   (defaults: 10 s, 8 connections)
# Builds release, starts `clinpost serve --port 0` (request log on, to a temporary file), reads
# its URL, runs the load generator (crates/server/examples/load.rs: a 1 kB post to /v1/check
# over keep-alive connections), then stops the server with SIGTERM and checks it exited cleanly.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
secs=${1:-10}
conns=${2:-8}
cargo build --release -q -j 2 -p clinpost -p clinpost-server --example load
tmp=$(mktemp -d)
target/release/clinpost serve --port 0 >"$tmp/url" 2>"$tmp/log" &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# The URL is printed once the listener is bound; wait for it (bounded) or for the server to die.
url=
for _ in $(seq 300); do
  url=$(head -n1 "$tmp/url" 2>/dev/null || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/log" >&2; echo "serve-bench: server exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "serve-bench: no URL after 30 s" >&2; exit 1; }
echo "serve-bench: $url (release build, $(nproc) cores)"
status=0
target/release/examples/load --url "${url%/}" --duration "$secs" --connections "$conns" || status=$?
kill -TERM "$pid"
wait "$pid" || { echo "serve-bench: server exited with $?" >&2; status=1; }
trap - EXIT
echo "serve-bench: request log lines: $(grep -c ' POST /v1/check ' "$tmp/log" || true)"
rm -rf "$tmp"
exit "$status"
