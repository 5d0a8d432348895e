#!/bin/bash
# PID 1 of a compose cluster node (kubelite.local/node): makes the container able to
# run its own Docker (remounts from ENVIRONMENT.md; the container is NOT privileged),
# starts the inner dockerd with its state on the node's volume, then, on a node that
# was initialised or joined before (D/host.json exists), restarts its kubelite
# components with `kubelite start --detach`. On TERM it stops kubelite, then dockerd,
# so `docker stop` is quick and leaves consistent state behind.
#
# Environment: KUBELITE_HOME (repository, default /opt/kubelite), KUBELITE_DATA_DIR
# (/var/lib/kubelite), KUBELITE_INSECURE_REGISTRIES (space-separated, e.g.
# "registry:5000"), KUBELITE_DOCKERD_ARGS (extra dockerd flags).
set -uo pipefail
HOME_DIR=${KUBELITE_HOME:-/opt/kubelite}
DATA_DIR=${KUBELITE_DATA_DIR:-/var/lib/kubelite}
log() { echo "kubelite-node: $*"; }

# Docker mounts /sys, /proc/sys and the cgroup controllers read-only; dockerd needs them writable.
mount -o remount,rw /sys || log "warning: cannot remount /sys read-write"
mount -o remount,bind,rw /proc/sys || log "warning: cannot remount /proc/sys read-write"
mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
for d in /sys/fs/cgroup/*; do
  [ -L "$d" ] && continue
  mountpoint -q "$d" 2>/dev/null || continue
  mount -o remount,bind,rw "$d" 2>/dev/null || log "warning: cannot remount $d read-write"
done
# Volume mounts of pods (emptyDir tmpfs, bind mounts) must propagate into containers.
mount --make-rshared /

if [ -x "$HOME_DIR/bin/kubelite" ]; then
  ln -sf "$HOME_DIR/bin/kubelite" /usr/local/bin/kubelite
else
  log "warning: $HOME_DIR/bin/kubelite is missing (is the repository mounted and built?)"
fi

dockerd_args=(--host unix:///var/run/docker.sock --data-root /var/lib/docker --exec-root /run/docker
  --pidfile /run/docker.pid --userland-proxy=false --shutdown-timeout 3)
for r in ${KUBELITE_INSECURE_REGISTRIES:-}; do dockerd_args+=(--insecure-registry "$r"); done
# shellcheck disable=SC2206
dockerd_args+=(${KUBELITE_DOCKERD_ARGS:-})
mkdir -p /var/log
dockerd "${dockerd_args[@]}" >>/var/log/dockerd.log 2>&1 &
dockerd_pid=$!

stopping=0
# kubelite's processes (supervisor, components): node is nothing else's in a node container.
kubelite_pids() { ps -eo pid=,comm=,args= | awk '$2 == "node" && /kubelite/ { print $1 }'; }
wait_gone() { # PIDS... ; up to ~5 s
  for _ in $(seq 1 50); do
    local alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && return 0
    sleep 0.1
  done
  return 1
}
on_term() {
  [ $stopping = 1 ] && return
  stopping=1
  log "stopping"
  mapfile -t pids < <(kubelite_pids)
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null
    wait_gone "${pids[@]}" || kill -KILL "${pids[@]}" 2>/dev/null
  fi
  kill -TERM "$dockerd_pid" 2>/dev/null
  wait_gone "$dockerd_pid" || kill -KILL "$dockerd_pid" 2>/dev/null
  log "stopped"
  exit 0
}
trap on_term TERM INT

for _ in $(seq 1 150); do
  docker info >/dev/null 2>&1 && break
  kill -0 "$dockerd_pid" 2>/dev/null || { log "dockerd exited:"; tail -20 /var/log/dockerd.log; exit 1; }
  sleep 0.1
done
if docker info >/dev/null 2>&1; then
  log "dockerd ready"
else
  log "dockerd did not answer within 15 s; see /var/log/dockerd.log"
fi

if [ -f "$DATA_DIR/host.json" ]; then
  log "restarting kubelite from $DATA_DIR/host.json"
  kubelite start --data-dir "$DATA_DIR" --detach >>/var/log/kubelite-start.log 2>&1 || log "kubelite start failed; see /var/log/kubelite-start.log"
fi

# Stay PID 1: reap orphans (bash does) and wake up for TERM at once.
while :; do
  sleep infinity &
  wait $!
done
