#!/usr/bin/env bash
# `make up`: start the apiserver in the background with data in ~/.kubelite and
# show the real kubectl using it.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${KUBELITE_DATA_DIR:-$HOME/.kubelite}"
PORT="${KUBELITE_PORT:-6443}"
mkdir -p "$DATA/logs"
if [ -f "$DATA/apiserver.pid" ] && kill -0 "$(cat "$DATA/apiserver.pid")" 2>/dev/null; then
  echo "apiserver already running (pid $(cat "$DATA/apiserver.pid"))"
else
  nohup ./bin/kubelite apiserver --data-dir "$DATA" --bind-address 127.0.0.1 --secure-port "$PORT" \
    --advertise-address 127.0.0.1 >>"$DATA/logs/apiserver.log" 2>&1 &
  echo $! >"$DATA/apiserver.pid"
  for _ in $(seq 1 100); do
    node -e "require('https').get({host:'127.0.0.1',port:$PORT,path:'/readyz',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))" 2>/dev/null && break
    sleep 0.1
  done
fi
KC="$DATA/admin.kubeconfig"
echo "apiserver ready at https://127.0.0.1:$PORT (logs: $DATA/logs/apiserver.log)"
echo "+ kubectl --kubeconfig $KC version"
kubectl --kubeconfig "$KC" version
echo "+ kubectl --kubeconfig $KC get namespaces"
kubectl --kubeconfig "$KC" get namespaces
echo "+ kubectl --kubeconfig $KC get svc -A"
kubectl --kubeconfig "$KC" get svc -A
