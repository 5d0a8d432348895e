#!/usr/bin/env bash
# Builds the compose cluster's node image kubelite.local/node:<version>: Debian
# bookworm with docker.io, iptables, nftables, iproute2, procps and Node.js, plus
# deploy/compose/entrypoint.sh. kubelite itself is not in the image: the node
# containers bind-mount the repository (dist, node_modules, bin) at /opt/kubelite.
#
# Two ways, picked automatically (KUBELITE_NODE_IMAGE_METHOD=dockerfile|debootstrap forces one):
#  - dockerfile:  `docker build` of deploy/compose/Dockerfile (FROM node:26-bookworm),
#                 when that base image can be pulled;
#  - debootstrap: offline from the Debian mirror apt already uses: debootstrap
#                 --variant=minbase, chroot apt-get install, `docker import` as a base
#                 image, then the Node.js `npm ci` installed (node_modules/node) and the
#                 entrypoint committed on top.
#                 The root file system tarball is cached in $KUBELITE_CACHE_DIR
#                 (/var/cache/kubelite), so a rebuild takes seconds.
# The version is a hash of everything that goes into the image; an image with that
# tag and label already present means nothing to do. Prints the image name last.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE_DIR=${KUBELITE_CACHE_DIR:-/var/cache/kubelite}
SUITE=bookworm
# What the node needs: dockerd (docker.io), what kubelet/proxy exec (ip, iptables,
# iptables-save/-restore, nft, mount), ps for debugging, the registry service, and
# libatomic1, which the official Node.js binaries link against.
PACKAGES="docker.io iptables nftables iproute2 procps ca-certificates docker-registry libatomic1"
force=0
[ "${1:-}" = "--force" ] && force=1

log() { echo "build-node-image: $*" >&2; }

# the Node.js kubelite runs on (package.json's "node"), as a file: docker cp copies symlinks as they are
node_bin=$(readlink -f "$here/../../node_modules/node/bin/node" 2>/dev/null || true)
[ -x "$node_bin" ] || { log "$here/../../node_modules/node/bin/node is missing: run npm ci first"; exit 1; }
node_version=$("$node_bin" --version)
version=$(cat "$here/build-node-image.sh" "$here/Dockerfile" "$here/entrypoint.sh" | { cat; echo "$node_version $PACKAGES"; } | sha256sum | cut -c1-12)
IMAGE=${KUBELITE_NODE_IMAGE:-kubelite.local/node:$version}

if [ $force = 0 ] && [ "$(docker image inspect -f '{{index .Config.Labels "io.kubelite.image-version"}}' "$IMAGE" 2>/dev/null)" = "$version" ]; then
  log "$IMAGE is up to date"
  echo "$IMAGE"
  exit 0
fi
start=$(date +%s%N)

method=${KUBELITE_NODE_IMAGE_METHOD:-}
if [ -z "$method" ]; then
  if docker image inspect node:26-bookworm >/dev/null 2>&1 || timeout 60 docker pull -q node:26-bookworm >/dev/null 2>&1; then
    method=dockerfile
  else
    method=debootstrap
  fi
fi
log "building $IMAGE ($method)"

if [ "$method" = dockerfile ]; then
  docker build -q -f "$here/Dockerfile" --build-arg "PACKAGES=$PACKAGES" --label "io.kubelite.image-version=$version" -t "$IMAGE" "$here" >/dev/null
else
  # The mirror apt already uses (deb822 or one-line sources), so this works offline
  # behind the same mirror/proxy.
  mirror=${KUBELITE_DEBIAN_MIRROR:-}
  if [ -z "$mirror" ]; then
    mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
    [ -n "$mirror" ] || mirror=$(grep -hsE '^deb (\[[^]]*\] )?https?://' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security | sed -E 's/^deb (\[[^]]*\] )?//' | awk '{print $1}' | head -1 || true)
    mirror=${mirror:-http://deb.debian.org/debian}
  fi
  key=$(echo "$SUITE $mirror $PACKAGES v1" | sha256sum | cut -c1-12)
  base=kubelite.local/node-base:$key
  tarball=$CACHE_DIR/node-rootfs-$key.tar
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    if [ ! -s "$tarball" ]; then
      if ! command -v debootstrap >/dev/null 2>&1; then
        log "installing debootstrap"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
      fi
      mkdir -p "$CACHE_DIR"
      root=$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")
      cleanup() {
        for m in dev/pts dev proc sys; do umount "$root/$m" 2>/dev/null || true; done
        rm -rf --one-file-system "$root"
      }
      trap cleanup EXIT
      log "debootstrap $SUITE from $mirror"
      debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$CACHE_DIR/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE_DIR/debootstrap.log" >&2; exit 1; }
      # Same apt settings as the host (snapshot mirrors need Check-Valid-Until false).
      cp -a /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
      printf 'deb %s %s main\ndeb %s %s-updates main\n' "$mirror" "$SUITE" "$mirror" "$SUITE" >"$root/etc/apt/sources.list"
      printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"
      cp /etc/resolv.conf "$root/etc/resolv.conf"
      mount -t proc proc "$root/proc"
      mount --bind /dev "$root/dev"; mount --bind /dev/pts "$root/dev/pts"
      mount -t sysfs sysfs "$root/sys"
      log "apt-get install $PACKAGES"
      chroot "$root" /bin/sh -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends $PACKAGES" \
        >"$CACHE_DIR/apt.log" 2>&1 || { tail -20 "$CACHE_DIR/apt.log" >&2; exit 1; }
      chroot "$root" apt-get clean
      for m in dev/pts dev proc sys; do umount "$root/$m"; done
      rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/* \
        "$root"/usr/sbin/policy-rc.d "$root"/var/log/*.log "$root"/etc/resolv.conf
      : >"$root/etc/resolv.conf"
      tar -C "$root" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
      cleanup; trap - EXIT
    fi
    log "docker import $tarball"
    docker import "$tarball" "$base" >/dev/null
  fi
  # Node.js and the entrypoint on top of the cached base: a new entrypoint or Node
  # version costs a commit, not a debootstrap.
  cid=$(docker create --entrypoint /bin/true "$base")
  trap 'docker rm -f "$cid" >/dev/null 2>&1 || true' EXIT
  docker cp "$node_bin" "$cid:/usr/local/bin/node"
  docker cp "$here/entrypoint.sh" "$cid:/usr/local/bin/kubelite-node-entrypoint"
  docker commit \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV container=docker' \
    --change 'ENTRYPOINT ["/usr/local/bin/kubelite-node-entrypoint"]' \
    --change 'CMD []' \
    --change "LABEL io.kubelite.image-version=$version" \
    "$cid" "$IMAGE" >/dev/null
fi
log "built $IMAGE in $(( ($(date +%s%N) - start) / 1000000 )) ms"
echo "$IMAGE"
