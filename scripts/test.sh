#!/usr/bin/env bash
# Runs every test: unit tests, then end-to-end tests against real processes,
# real Docker and the real kubectl. Prints the node test runner's summary.
set -uo pipefail
cd "$(dirname "$0")/.."
# deploy/systemd's units are checked with systemd-analyze (Debian's systemd package).
if ! command -v systemd-analyze >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >/dev/null; }
fi
units=$(find dist -name '*.test.js' -not -path 'dist/test/*' | sort)
e2e=$(find dist/test/e2e -name '*.test.js' 2>/dev/null | sort)
# Unit tests in parallel, e2e one file at a time (they share Docker and the kernel's rules).
node --test --test-reporter=spec --test-reporter-destination=stdout $units
unit_rc=$?
e2e_rc=0
if [ -n "$e2e" ]; then
  node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout $e2e
  e2e_rc=$?
fi
if [ $unit_rc -ne 0 ] || [ $e2e_rc -ne 0 ]; then
  echo "FAILED: unit=$unit_rc e2e=$e2e_rc" >&2
  exit 1
fi
