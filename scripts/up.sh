#!/usr/bin/env bash
# `make up`: starts a local cluster in the background (`kubelite up --detach`, data
# in ~/.kubelite, context "kubelite" merged into ~/.kube/config) and runs the demo:
# a 3-replica web Deployment, a LoadBalancer Service, curls through it, a scale to 5.
# The demo keeps running; `make down` stops the cluster.
# KUBELITE_DATA_DIR and KUBELITE_UP_ARGS (extra `kubelite up` flags) override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${KUBELITE_DATA_DIR:-$HOME/.kubelite}"
WEB=kubelite.local/web:latest

# No registry here: the demo image is built offline (busybox httpd) when missing.
bash scripts/build-images.sh

# shellcheck disable=SC2086
./bin/kubelite up --detach --data-dir "$DATA" ${KUBELITE_UP_ARGS:-}
export KUBECONFIG="$DATA/admin.kubeconfig"

show() {
  echo
  echo "\$ kubelite $*"
  ./bin/kubelite "$@"
}

http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -m 5 "$1"
  else
    node -e "fetch(process.argv[1], { signal: AbortSignal.timeout(5000) }).then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { console.error(e.message); process.exit(1); })" "$1"
  fi
}

echo
echo "Demo: the seed scenario (a previous demo's objects are replaced)."
./bin/kubelite delete deployment,service itopic --ignore-not-found >/dev/null
show run itopic --image=$WEB --replicas=3 --port=8001
./bin/kubelite rollout status deployment/itopic --timeout=3m >/dev/null
show get deployment
show get rs
show get pod -o wide
show expose deployment itopic --type=LoadBalancer --port=38001 --target-port=8001
ip=""
for _ in $(seq 1 100); do
  ip=$(./bin/kubelite get service itopic -o 'jsonpath={.status.loadBalancer.ingress[0].ip}')
  [ -n "$ip" ] && break
  sleep 0.2
done
show get service
echo
for i in 1 2 3 4 5 6; do
  echo "\$ curl http://$ip:38001/"
  for _ in $(seq 1 50); do http_get "http://$ip:38001/" && break; sleep 0.2; done
done
show scale --replicas=5 deploy/itopic
./bin/kubelite rollout status deployment/itopic --timeout=3m >/dev/null
show get pod
pod=$(./bin/kubelite get pod -l run=itopic -o 'jsonpath={.items[0].metadata.name}')
echo
echo "The cluster is up and the demo is running. Try:"
echo "  kubectl get pods -o wide                      # context \"kubelite\" in ~/.kube/config"
echo "  ./bin/kubelite exec -it $pod -- sh"
echo "  ./bin/kubelite delete deployment,service itopic"
echo "  make down                                      # stop (./bin/kubelite down --purge removes everything)"
