#!/usr/bin/env bash
# `make cluster-down`: removes the compose cluster COMPOSE_PROJECT_NAME (kubelite):
# its containers (the pods inside die with their node's dockerd), volumes, network,
# the host kubeconfig cluster-up wrote and the state directory. Idempotent.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-kubelite}
STATE=${KUBELITE_COMPOSE_STATE:-$HOME/.kubelite/compose/$COMPOSE_PROJECT_NAME}
BASE=$repo/deploy/compose/docker-compose.yml
if [ -f "$STATE/compose.env" ]; then
  set -a
  # shellcheck disable=SC1091
  . "$STATE/compose.env"
  set +a
fi
files=(-f "$BASE")
[ -f "$STATE/workers.yml" ] && files+=(-f "$STATE/workers.yml")
if command -v docker-compose >/dev/null 2>&1; then
  # -t 1: nothing in a node needs a graceful stop when the node is thrown away.
  docker-compose "${files[@]}" down -v --remove-orphans -t 1 2>&1 | grep -v '^WARNING' >&2 || true
fi
# Whatever compose no longer knows of (a lost state dir): the project's labels.
left=$(docker ps -aq --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
[ -z "$left" ] || docker rm -f -v $left >/dev/null
vols=$(docker volume ls -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
[ -z "$vols" ] || docker volume rm $vols >/dev/null
nets=$(docker network ls -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME")
[ -z "$nets" ] || docker network rm $nets >/dev/null
if [ -n "${KUBELITE_COMPOSE_KUBECONFIG:-}" ]; then rm -f "$KUBELITE_COMPOSE_KUBECONFIG"; fi
rm -rf "$STATE"
echo "cluster '$COMPOSE_PROJECT_NAME' removed"
