#!/usr/bin/env bash
# Stops what `make up` started.
set -uo pipefail
DATA="${KUBELITE_DATA_DIR:-$HOME/.kubelite}"
if [ -f "$DATA/apiserver.pid" ]; then
  kill "$(cat "$DATA/apiserver.pid")" 2>/dev/null && echo "apiserver stopped"
  rm -f "$DATA/apiserver.pid"
fi
