#!/usr/bin/env bash
# Makes sure what the docker-compose cluster needs is here: a running Docker engine
# (ensure-docker.sh) and docker-compose (Debian's docker-compose 1.29 when missing).
# Idempotent; the compose e2e test and `make cluster-up` call it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/ensure-docker.sh"
if ! docker-compose version >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then echo "ensure-compose: need root to install docker-compose" >&2; exit 1; fi
  echo "ensure-compose: installing docker-compose" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
  }
fi
