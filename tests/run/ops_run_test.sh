#!/usr/bin/env bash
# Runs ./ops/run against this build, waits for its banner, fetches every URL
# it printed (and logs in with the demo login), sends Ctrl-C (SIGINT to its
# process group) and checks that every process it started is gone.
set -uo pipefail
src=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "--- ops/run output ---"; cat "$tmp/out"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export HAILONG_BUILD_DIR=$build HAILONG_RUN_DIR=$tmp/state
export HAILONG_EDGE_PORT=$(free_port) HAILONG_HUB_PORT=$(free_port) HAILONG_BROKER_PORT=$(free_port)

cd "$src"
setsid ./ops/run >"$tmp/out" 2>&1 &
leader=$!
for _ in $(seq 1 600); do
  grep -q 'Ctrl-C' "$tmp/out" && break
  kill -0 "$leader" 2>/dev/null || fail "ops/run exited before its banner"
  sleep 0.5
done
grep -q 'Ctrl-C' "$tmp/out" || fail "no banner after 300 s"
sleep 3  # the simulator and the shipper get going

mapfile -t urls < <(grep -o 'http://127\.0\.0\.1:[0-9]*[^ ]*' "$tmp/out" | sort -u)
[ "${#urls[@]}" -ge 5 ] || fail "expected at least 5 URLs, got ${#urls[@]}"
for url in "${urls[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url")
  [ "$code" = 200 ] || fail "$url answered $code"
  echo "ok $code $url"
done
# The printed kiosk link enrolls a browser once (the code is in its fragment).
code=$(grep -o '#enroll=[0-9a-f]*' "$tmp/out" | head -n1 | cut -d= -f2)
[ -n "$code" ] || fail "no kiosk enrollment link printed"
enroll() {
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"code\":\"$code\"}" "http://127.0.0.1:$HAILONG_EDGE_PORT/api/v1/kiosks/enroll"
}
[ "$(enroll)" = 200 ] || fail "the kiosk enrollment link does not enroll"
[ "$(enroll)" = 403 ] || fail "the kiosk enrollment link works twice"
echo "ok kiosk enrollment link (once)"
login=$(grep -o 'admin / [^ ]*' "$tmp/out" | head -n1 | cut -d' ' -f3)
[ -n "$login" ] || fail "no demo login printed"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"name\":\"admin\",\"password\":\"$login\"}" "http://127.0.0.1:$HAILONG_HUB_PORT/api/v1/login")
[ "$code" = 200 ] || fail "demo login answered $code"
echo "ok demo login"
# The demo edge has history and live ratings, and ships them to the hub.
seq=$(curl -s "http://127.0.0.1:$HAILONG_EDGE_PORT/api/v1/status" |
  python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["log_seq"], s["replicated_seq"])')
echo "edge log_seq replicated_seq: $seq"
[ "${seq%% *}" -gt 100 ] || fail "the demo edge holds only ${seq%% *} events"
# The five demo officers signed in with the PIN set at the hub.
for i in 1 2 3 4 5; do
  officer=$(curl -s "http://127.0.0.1:$HAILONG_EDGE_PORT/api/v1/counters/q$i/session" |
    python3 -c 'import json,sys; o=json.load(sys.stdin)["officer"]; print(o["id"] if o else "")')
  [ -n "$officer" ] || fail "nobody on duty at q$i (officer PINs from the hub?)"
done
pin=$(grep -o 'Officer PIN (demo): *[0-9]*' "$tmp/out" | grep -o '[0-9]*$')
[ -n "$pin" ] || fail "no demo officer PIN printed"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"officer":"cb-nhung","pin":"000000"}' "http://127.0.0.1:$HAILONG_EDGE_PORT/api/v1/counters/q1/sign-in")
[ "$code" = 403 ] || fail "a wrong PIN answered $code"
echo "ok demo officers on duty"
# The month of history is attributed to the officers on duty (the one-stop
# software names each dossier's officer; the ratings about it carry it), so
# the per-officer evaluation has figures: wait until the hub holds ratings
# of every demo officer over the 30 days before today (the history only:
# the simulator's live ratings of today do not count here).
jar="$tmp/cookies"
curl -s -o /dev/null -c "$jar" -H 'Content-Type: application/json' \
  -d "{\"name\":\"admin\",\"password\":\"$login\"}" "http://127.0.0.1:$HAILONG_HUB_PORT/api/v1/login"
to=$(TZ=Asia/Ho_Chi_Minh date -d 'yesterday' +%F)
from=$(TZ=Asia/Ho_Chi_Minh date -d '30 days ago' +%F)
officers_rated() {
  curl -s -b "$jar" -H 'Cache-Control: no-cache' \
    "http://127.0.0.1:$HAILONG_HUB_PORT/api/v1/report?from=$from&to=$to&group_by=officer" |
    python3 -c '
import json, sys
rows = json.load(sys.stdin)["rows"]
rated = {r["officer"]: r["ratings"] for r in rows if r["officer"]}
need = ["cb-nhung", "cb-tuan", "cb-huong", "cb-dung", "cb-lan"]
print(" ".join(f"{o}={rated.get(o, 0)}" for o in need))
sys.exit(0 if all(rated.get(o, 0) > 0 for o in need) else 1)'
}
for _ in $(seq 1 240); do
  officers_rated >/dev/null 2>&1 && break
  sleep 0.5
done
per_officer=$(officers_rated) || fail "the per-officer report has officers without ratings: $per_officer"
echo "ok per-officer report over the history: $per_officer"

pids=$(pgrep -g "$leader" | tr '\n' ' ')
kill -INT -- "-$leader"
for _ in $(seq 1 60); do
  kill -0 "$leader" 2>/dev/null || break
  sleep 0.5
done
kill -0 "$leader" 2>/dev/null && fail "ops/run still running 30 s after Ctrl-C"
sleep 1
for pid in $pids; do
  if kill -0 "$pid" 2>/dev/null; then
    ps -o pid,cmd -p "$pid"
    fail "process $pid outlived Ctrl-C"
  fi
done
grep -q 'stopped' "$tmp/out" || fail "no 'stopped' message"
echo "ok: Ctrl-C stopped every process ($pids)"
