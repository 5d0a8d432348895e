#!/usr/bin/env bash
# Builds the images kubelite needs without a registry: kubelite.local/pause:3.9
# (a static C program, the pod sandbox) and kubelite.local/busybox:latest (Debian's
# busybox-static with applet links). Skips an image that already exists unless
# --force is given, or, for busybox and web, unless its io.kubelite.image-version
# label differs from BUSYBOX_VERSION below. The kubelet can build pause and
# busybox itself; this script is for tests, benchmarks and people who want them
# ready up front.
set -euo pipefail
force=0
[ "${1:-}" = "--force" ] && force=1

# Bump when the busybox image's content changes (applets, files): images built
# before carry an older label (or none) and are rebuilt, and web with them.
BUSYBOX_VERSION=2
# Applets tests and users rely on; the build fails if the host's busybox lacks one.
REQUIRED_APPLETS="sh httpd nc nslookup sleep cat hostname env ls echo ip mkdir printf seq"

have() { [ $force = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }
# have, and built from the current busybox recipe
current() {
  have "$1" && [ "$(docker image inspect -f '{{index .Config.Labels "io.kubelite.image-version"}}' "$1" 2>/dev/null)" = "$BUSYBOX_VERSION" ]
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! have kubelite.local/pause:3.9; then
  mkdir -p "$work/pause/root"
  cat >"$work/pause/pause.c" <<'C'
/* The pod sandbox: holds the namespaces, reaps orphans, exits on INT/TERM. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) { (void)sig; _exit(0); }

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction stop = {0}, child = {0};
  stop.sa_handler = on_stop;
  sigaction(SIGINT, &stop, NULL);
  sigaction(SIGTERM, &stop, NULL);
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &child, NULL);
  for (;;) pause();
  return 0;
}
C
  gcc -Os -static -s -o "$work/pause/root/pause" "$work/pause/pause.c"
  tar -C "$work/pause/root" -c . | docker import -c 'ENTRYPOINT ["/pause"]' - kubelite.local/pause:3.9 >/dev/null
  echo "built kubelite.local/pause:3.9"
fi

rebuilt_busybox=0
if ! current kubelite.local/busybox:latest; then
  bb=""
  for p in /usr/bin/busybox /bin/busybox; do [ -x "$p" ] && bb=$p && break; done
  if [ -z "$bb" ]; then echo "build-images: busybox-static is not installed (apt-get install busybox-static)" >&2; exit 1; fi
  applets=" $("$bb" --list | tr '\n' ' ') "
  for a in $REQUIRED_APPLETS; do
    case "$applets" in *" $a "*) ;; *) echo "build-images: $bb has no '$a' applet" >&2; exit 1 ;; esac
  done
  root="$work/busybox"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/www" "$root/root"
  cp "$bb" "$root/bin/busybox"
  for applet in $("$bb" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  mkdir -p "$root/usr"; ln -s ../bin "$root/usr/bin"; ln -s bin "$root/sbin"
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' \
    -c "LABEL io.kubelite.image-version=$BUSYBOX_VERSION" - kubelite.local/busybox:latest >/dev/null
  rebuilt_busybox=1
  echo "built kubelite.local/busybox:latest"
fi

# The demo web server: busybox httpd on :8001 serving a page with the pod's
# hostname. sh is PID 1 so SIGTERM stops it at once (httpd as PID 1 ignores it).
# web inherits busybox's label through docker commit, so an outdated web is rebuilt too.
if [ $rebuilt_busybox = 1 ] || ! current kubelite.local/web:latest; then
  cid=$(docker create kubelite.local/busybox:latest true)
  docker commit --change 'ENTRYPOINT ["/bin/sh", "-c", "mkdir -p /www && hostname > /www/index.html && httpd -f -p ${PORT:-8001} -h /www & trap \"exit 0\" TERM INT; wait"]' \
    --change 'CMD []' "$cid" kubelite.local/web:latest >/dev/null
  docker rm "$cid" >/dev/null
  echo "built kubelite.local/web:latest"
fi
