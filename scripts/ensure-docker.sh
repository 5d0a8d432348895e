#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock: installs Debian's
# docker.io (plus iptables and busybox-static, which the images are built from)
# when missing and starts dockerd with --userland-proxy=false (bridge hairpin, so
# a pod can reach its own Service). Idempotent; safe to run before every test.
set -euo pipefail

if docker info >/dev/null 2>&1; then exit 0; fi

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || need+=(busybox-static)
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-docker: need root to install ${need[*]}" >&2; exit 1
  fi
  echo "ensure-docker: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  # Only the system daemon counts (its pidfile); other dockerds (tests' per-node
  # daemons with their own sockets) must not stop us from starting it.
  if [ -f /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    echo "ensure-docker: dockerd is running but not answering yet" >&2
  else
    echo "ensure-docker: starting dockerd" >&2
    mkdir -p /var/log
    nohup dockerd --userland-proxy=false >/var/log/kubelite-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 100); do
    docker info >/dev/null 2>&1 && break
    sleep 0.2
  done
fi
if ! docker info >/dev/null 2>&1; then
  echo "ensure-docker: the Docker engine did not come up; see /var/log/kubelite-dockerd.log" >&2
  exit 1
fi
