#!/usr/bin/env bash
# `make down`: stops the cluster `make up` started (pods' containers stay and are
# adopted by the next `make up`; `./bin/kubelite down --purge` removes everything).
set -uo pipefail
cd "$(dirname "$0")/.."
DATA="${KUBELITE_DATA_DIR:-$HOME/.kubelite}"
# the apiserver an older `make up` started on its own
if [ -f "$DATA/apiserver.pid" ]; then
  kill "$(cat "$DATA/apiserver.pid")" 2>/dev/null && echo "stopped the apiserver of an older make up"
  rm -f "$DATA/apiserver.pid"
fi
exec ./bin/kubelite down --data-dir "$DATA" "$@"
