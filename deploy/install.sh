#!/usr/bin/env bash
# Installs kubelite on a Debian/Ubuntu host from this checkout: the packages the
# node components need (Docker, iptables, nftables, iproute2, a C compiler for the
# pause image), Node.js >= 20 when apt has it (only to run npm), the npm
# dependencies, which include the Node.js LTS kubelite runs on (package.json's "node"),
# the build, a copy under /opt/kubelite and the /usr/local/bin/kubelite launcher the
# systemd units (deploy/systemd) run on that Node.js. Then: `kubelite init ...` on the master, the printed
# `kubelite join ...` on each worker. Idempotent: rerun it to upgrade.
#
# The unit files go to --unit-dir (/etc/systemd/system) disabled: init enables the
# control plane's, join the worker's (kubelet, proxy), with /etc/kubelite/kubelite.env.
#
#   sudo deploy/install.sh [--prefix /opt/kubelite] [--bin-dir /usr/local/bin] [--unit-dir DIR] [--skip-apt] [--skip-build]
set -euo pipefail

PREFIX=/opt/kubelite
BIN_DIR=/usr/local/bin
UNIT_DIR=/etc/systemd/system
SKIP_APT=0
SKIP_BUILD=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --bin-dir) BIN_DIR="$2"; shift 2 ;;
    --unit-dir) UNIT_DIR="$2"; shift 2 ;;
    --skip-apt) SKIP_APT=1; shift ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "install.sh: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$SKIP_APT" = 0 ]; then
  [ "$(id -u)" = 0 ] || die "run as root (sudo $0), or --skip-apt when the packages are there"
  command -v apt-get >/dev/null 2>&1 || die "no apt-get: this script is for Debian/Ubuntu; install docker, iptables, nftables, iproute2 and Node.js >= 20 by hand and rerun with --skip-apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  pkgs=(docker.io iptables nftables iproute2 ca-certificates gcc libc6-dev)
  if [ "$(node_major)" -lt 20 ]; then
    candidate="$(apt-cache policy nodejs 2>/dev/null | awk '/Candidate:/ {print $2}' | sed 's/^[0-9]*://' | cut -d. -f1)"
    if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && [ "$candidate" -ge 20 ] 2>/dev/null; then
      pkgs+=(nodejs npm)
    else
      die "Node.js >= 20 is needed and apt offers nodejs ${candidate:-none}: install Node.js 20 (e.g. from https://github.com/nodesource/distributions) and rerun"
    fi
  fi
  say "apt-get install ${pkgs[*]}"
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  if [ -d /run/systemd/system ]; then systemctl enable --now docker.service >/dev/null 2>&1 || say "warning: could not enable docker.service"; fi
fi

[ "$(node_major)" -ge 20 ] || die "Node.js >= 20 is needed (found $(node --version 2>/dev/null || echo none))"
command -v npm >/dev/null 2>&1 || die "npm is missing"
# must match cli/up/daemon-node-flags.ts (a unit test checks)
DAEMON_NODE_FLAGS="--max-semi-space-size=64 --single-threaded-gc"

if [ "$SKIP_BUILD" = 0 ]; then
  say "npm ci and build in $SRC"
  (cd "$SRC" && npm ci --no-audit --no-fund --loglevel=error && npx tsc -p tsconfig.json)
fi
[ -f "$SRC/dist/cli/main.js" ] || die "$SRC/dist is missing: build first (npm ci && npx tsc -p tsconfig.json) or drop --skip-build"

say "installing into $PREFIX"
STAGE="$PREFIX.new.$$"
rm -rf "$STAGE"
mkdir -p "$STAGE"
for f in dist bin deploy scripts docs package.json package-lock.json README.md; do
  [ -e "$SRC/$f" ] && cp -a "$SRC/$f" "$STAGE/"
done
(cd "$STAGE" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
# the runtime npm ci installed (package.json's "node"), not the machine's older node
NODE_BIN="$PREFIX/node_modules/node/bin/node"
[ -x "$STAGE/node_modules/node/bin/node" ] || die "npm ci did not install Node.js into $STAGE/node_modules/node"
if [ -d "$PREFIX" ]; then rm -rf "$PREFIX.old"; mv "$PREFIX" "$PREFIX.old"; fi
mv "$STAGE" "$PREFIX"
rm -rf "$PREFIX.old"

mkdir -p "$BIN_DIR"
cat > "$BIN_DIR/kubelite.tmp" <<WRAPPER
#!/bin/sh
# installed by kubelite's deploy/install.sh; the V8 flags are cli/up/daemon-node-flags.ts's
exec "$NODE_BIN" $DAEMON_NODE_FLAGS "$PREFIX/bin/kubelite" "\$@"
WRAPPER
chmod 755 "$BIN_DIR/kubelite.tmp"
mv "$BIN_DIR/kubelite.tmp" "$BIN_DIR/kubelite"

"$BIN_DIR/kubelite" --client-version >/dev/null || die "$BIN_DIR/kubelite does not run"
mkdir -p "$UNIT_DIR"
cp "$PREFIX"/deploy/systemd/kubelite-*.service "$UNIT_DIR/"
if [ -d /run/systemd/system ] && [ "$UNIT_DIR" = /etc/systemd/system ]; then systemctl daemon-reload || say "warning: systemctl daemon-reload failed"; fi
say "systemd units in $UNIT_DIR (enabled by kubelite init / join)"
say "done: $BIN_DIR/kubelite ($("$BIN_DIR/kubelite" --client-version))"
cat <<NEXT
Next:
  on the master:   kubelite init --advertise-address <this machine's LAN IP>
  on each worker:  the 'kubelite join ...' line init prints
  undo on a host:  kubelite reset
NEXT
