#!/usr/bin/env bash
# The .deb packages build, unpack into a scratch root, and what they hold
# works from there: every program answers --version, the units and
# maintainer scripts are well-formed, and the unpacked hub serves the
# packaged dashboard (with the vendored Chart.js) and the edge's pages are
# all there.
#
#   packaging_test.sh BUILD_DIR [CPACK]
#
# Runs cpack -G DEB with BUILD_DIR's configuration (its programs must be
# built) into a scratch directory; of it only CMake's install manifests
# (install_manifest_<component>.txt) land in BUILD_DIR.
set -euo pipefail

build=$(cd "$1" && pwd)
cpack=${2:-cpack}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/hailong-packaging.XXXXXX")
hub_pid=
cleanup() {
  if [ -n "$hub_pid" ]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
  if [ -z "${HAILONG_KEEP_TEMP:-}" ]; then rm -rf "$scratch"; else echo "kept $scratch"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

for p in hailong-edge hailong-hub hailongctl hailong-devsim; do
  [ -n "$(find "$build" -maxdepth 3 -type f -name "$p" -perm -u+x | head -1)" ] ||
    fail "$p is not built in $build (build everything first)"
done

# ---- build the packages ---------------------------------------------------------
(cd "$scratch" && "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" \
  >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log"; fail "cpack -G DEB"; }
shopt -s nullglob
debs=("$scratch"/out/*.deb)
[ ${#debs[@]} -eq 3 ] || { ls -l "$scratch/out"; fail "expected 3 .deb files, got ${#debs[@]}"; }
deb_of() { local d; for d in "${debs[@]}"; do if [[ "$(basename "$d")" == "$1"_* ]]; then echo "$d"; fi; done; }
common=$(deb_of hailong-common); edge=$(deb_of hailong-edge); hub=$(deb_of hailong-hub)
[ -n "$common" ] && [ -n "$edge" ] && [ -n "$hub" ] || fail "package names: ${debs[*]}"
pass "cpack built $(cd "$scratch/out" && echo *.deb)"

# ---- control data -----------------------------------------------------------------
field() { dpkg-deb -f "$1" "$2"; }
for d in "$edge" "$hub"; do
  deps=$(field "$d" Depends)
  [[ "$deps" == *"hailong-common (= "* ]] || fail "$(basename "$d") Depends lacks hailong-common: $deps"
  [[ "$deps" == *adduser* ]] || fail "$(basename "$d") Depends lacks adduser: $deps"
  [[ "$deps" == *libc6* && "$deps" == *libssl3* ]] ||
    fail "$(basename "$d") Depends lacks the shared libraries (dpkg-shlibdeps): $deps"
  ctl="$scratch/control-$(field "$d" Package)"
  dpkg-deb -e "$d" "$ctl"
  for s in postinst prerm postrm; do
    [ -x "$ctl/$s" ] || fail "$(basename "$d"): $s missing or not executable"
    sh -n "$ctl/$s" || fail "$(basename "$d"): $s is not valid sh"
  done
  grep -q 'adduser --system' "$ctl/postinst" || fail "$(basename "$d"): postinst does not create the user"
  ! grep -q '@[A-Z_]*@' "$ctl/postinst" "$ctl/prerm" || fail "$(basename "$d"): unexpanded @VAR@"
done
[[ "$(field "$edge" Depends)" == *libpaho-mqtt1.3* ]] || fail "the edge does not depend on Paho MQTT (libpaho-mqtt3as)"
[[ "$(field "$hub" Depends)" == *libxlsxwriter* ]] || fail "the hub does not depend on libxlsxwriter"
[[ "$(field "$hub" Depends)" == *libpango* && "$(field "$hub" Depends)" == *fonts-liberation2* ]] ||
  fail "the hub does not depend on Pango and the periodic report's font: $(field "$hub" Depends)"
grep -q 'hailong-mosquitto@\*.service' "$scratch/control-hailong-edge/prerm" ||
  fail "the edge's prerm does not stop the office broker"
[[ "$(field "$edge" Description | head -1)" == *"office edge"* ]] || fail "the edge's synopsis"
[[ "$(field "$hub" Description | head -1)" == *"district hub"* ]] || fail "the hub's synopsis"
pass "control fields and maintainer scripts"

# ---- contents -----------------------------------------------------------------------
root="$scratch/root"
mkdir -p "$root"
for d in "${debs[@]}"; do dpkg-deb -x "$d" "$root"; done
for f in usr/bin/hailongctl usr/bin/hailong-edge usr/bin/hailong-devsim usr/bin/hailong-hub \
         usr/lib/hailong/make-office-broker usr/lib/hailong/hailong-mosquitto-conf; do
  [ -x "$root/$f" ] || fail "missing program /$f"
done
for f in usr/lib/systemd/system/hailong-edge.service usr/lib/systemd/system/hailong-hub.service \
         usr/lib/systemd/system/hailong-mosquitto@.service \
         usr/share/hailong/examples/edge.json usr/share/hailong/examples/hub.json \
         usr/share/hailong/edge/web/kiosk.html usr/share/hailong/edge/web/survey.js \
         usr/share/hailong/hub/web/index.html usr/share/hailong/hub/web/survey.html \
         usr/share/hailong/hub/web/assets/dash-app.js usr/share/hailong/hub/web/assets/survey.js \
         usr/share/doc/hailong/hailongctl.md usr/share/doc/hailong/runbooks.md \
         usr/share/doc/hailong/install-edge.md usr/share/doc/hailong/install-hub.md; do
  [ -f "$root/$f" ] || fail "missing file /$f"
done
[ -z "$(find "$root" -name node_modules)" ] || fail "node_modules is packaged"
[ -z "$(find "$root" -name 'package*.json')" ] || fail "npm's package files are packaged"
# Every file of edge/web (but its README) is in the package.
for f in "$source_dir"/edge/web/*; do
  b=$(basename "$f"); [ "$b" = README.md ] && continue
  cmp -s "$f" "$root/usr/share/hailong/edge/web/$b" || fail "edge/web/$b differs or is missing"
done
chart_src="$source_dir/hub/web/node_modules/chart.js/dist/chart.umd.min.js"
chart="$root/usr/share/hailong/hub/web/assets/vendor/chart.umd.min.js"
if [ -f "$chart_src" ]; then
  [ -f "$chart" ] && [ ! -L "$chart" ] || fail "the vendored Chart.js is not a plain file in the hub package"
  cmp -s "$chart_src" "$chart" || fail "the vendored Chart.js differs"
fi
for u in "$root"/usr/lib/systemd/system/*.service; do
  for key in User=hailong ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
             NoNewPrivileges=yes ReadWritePaths=/var/lib/hailong StandardError=journal; do
    grep -qx "$key" "$u" || fail "$(basename "$u") lacks $key"
  done
done
pass "contents ($(find "$root" -type f | wc -l) files)"

# The units parse (systemd-analyze verify; the programs are not installed on
# this machine, so only that complaint is expected).
if command -v systemd-analyze >/dev/null; then
  units="$scratch/units"
  mkdir -p "$units"
  cp "$root"/usr/lib/systemd/system/hailong-edge.service "$root"/usr/lib/systemd/system/hailong-hub.service "$units/"
  cp "$root/usr/lib/systemd/system/hailong-mosquitto@.service" "$units/hailong-mosquitto@phuong-01.service"
  problems=$(systemd-analyze verify "$units"/*.service 2>&1 | grep -v 'is not executable: No such file or directory' || true)
  [ -z "$problems" ] || fail "systemd-analyze verify: $problems"
  pass "systemd-analyze verify"
fi

# ---- the programs run from the scratch root ----------------------------------------------
version=$(sed -n 's/^project(hailong VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
for p in hailongctl hailong-edge hailong-hub hailong-devsim; do
  out=$("$root/usr/bin/$p" --version 2>&1) || fail "$p --version: $out"
  [[ "$out" == *"$version"* ]] || fail "$p --version printed '$out', not $version"
  pass "$p --version: $out"
done
"$root/usr/lib/hailong/make-office-broker" --help >/dev/null || fail "make-office-broker --help"

# The office broker's configuration for the journal, from a real make-office-broker run.
# A loopback port nothing listens on (bash only: no python on a bare Debian).
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((10000 + RANDOM % 22768))  # below the ephemeral range (32768+)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  fail "no free port"
}
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
if command -v mosquitto_passwd >/dev/null && [ -x "$mosquitto" ]; then
  bport=$(free_port)
  "$root/usr/lib/hailong/make-office-broker" --office phuong-01 --port "$bport" \
    --dir "$scratch/broker" --edge-password e --devices 2 >/dev/null
  "$root/usr/lib/hailong/hailong-mosquitto-conf" "$scratch/broker" "$scratch/broker.conf"
  grep -qx 'log_dest stderr' "$scratch/broker.conf" || fail "broker conf: no log_dest stderr"
  ! grep -q '^log_dest file' "$scratch/broker.conf" || fail "broker conf still logs to a file"
  grep -q "^password_file $scratch/broker/passwd" "$scratch/broker.conf" || fail "broker conf lost its passwords"
  # Mosquitto runs from it and logs to stderr (the journal, under systemd).
  # (Started as root, Mosquitto would switch to the user "mosquitto", who
  # cannot read these files; under systemd it starts as hailong, their owner.)
  cp "$scratch/broker.conf" "$scratch/broker-test.conf"
  [ "$(id -u)" != 0 ] || echo "user root" >>"$scratch/broker-test.conf"
  "$mosquitto" -c "$scratch/broker-test.conf" >"$scratch/broker.out" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$bport") 2>/dev/null || true
    grep -q "New connection from 127.0.0.1:[0-9]* on port $bport" "$scratch/broker.out" && break
    sleep 0.1
  done
  kill "$broker_pid" 2>/dev/null || true
  wait "$broker_pid" 2>/dev/null || true
  grep -q "New connection from 127.0.0.1:[0-9]* on port $bport" "$scratch/broker.out" ||
    { cat "$scratch/broker.out"; fail "mosquitto did not run from the generated configuration"; }
  pass "hailong-mosquitto-conf (mosquitto runs from it, logging to stderr)"
fi

# The packaged hub serves the packaged dashboard.
read -r token token_sha < <("$root/usr/bin/hailongctl" new-token | paste -sd' ')
hash=$(printf 'mật khẩu thử\n' | "$root/usr/bin/hailongctl" hash-password)
port=$(free_port)
# The packaged example with its placeholders filled in (the daemon's parser
# checks the example itself in ops_examples_test).
other_sha=$("$root/usr/bin/hailongctl" new-token | sed -n 2p)
sed -e "s|\"data_dir\": \"/var/lib/hailong/hub\"|\"data_dir\": \"$scratch/hub-data\"|" \
    -e "s|\"listen\": \"127.0.0.1:9090\"|\"listen\": \"127.0.0.1:$port\"|" \
    -e "s|\"cookie_secure\": true|\"cookie_secure\": false|" \
    -e "/\"web_root\"/d" \
    -e "0,/REPLACE: line 2 of \`hailongctl new-token\`/s||$token_sha|" \
    -e "s|REPLACE: line 2 of \`hailongctl new-token\`|$other_sha|" \
    -e "s|REPLACE: output of \`hailongctl hash-password\`|$hash|" \
    "$root/usr/share/hailong/examples/hub.json" >"$scratch/hub.json"
! grep -q REPLACE "$scratch/hub.json" || fail "placeholders left in the hub configuration"
HAILONG_HUB_WEB_DIR="$root/usr/share/hailong/hub/web" \
  "$root/usr/bin/hailong-hub" --config "$scratch/hub.json" >"$scratch/hub.log" 2>&1 &
hub_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$hub_pid" 2>/dev/null || { cat "$scratch/hub.log"; fail "the packaged hub did not start"; }
  sleep 0.1
done
get() { curl -fsS -o "$scratch/got" -w '%{http_code}' "http://127.0.0.1:$port$1"; }
[ "$(get /)" = 200 ] && cmp -s "$scratch/got" "$root/usr/share/hailong/hub/web/index.html" ||
  fail "the hub does not serve the packaged index.html"
[ "$(get /assets/dash-app.js)" = 200 ] || fail "GET /assets/dash-app.js"
[ "$(get /bao-cao)" = 200 ] && cmp -s "$scratch/got" "$root/usr/share/hailong/hub/web/periodic.html" ||
  fail "the hub does not serve the packaged periodic.html at /bao-cao"
if [ -f "$chart" ]; then
  [ "$(get /assets/vendor/chart.umd.min.js)" = 200 ] && cmp -s "$scratch/got" "$chart" ||
    fail "the hub does not serve the vendored Chart.js"
fi
"$root/usr/bin/hailongctl" status --url "http://127.0.0.1:$port" >/dev/null ||
  fail "hailongctl status against the packaged hub"
kill "$hub_pid"; wait "$hub_pid" || true; hub_pid=
pass "the packaged hub serves the packaged dashboard"
echo "PASS"
