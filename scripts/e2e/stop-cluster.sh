#!/usr/bin/env bash
# Stops every process scripts/e2e/start-cluster.sh started (pid files in RUN_DIR/pids), each by its
# own pid/process group, TERM then KILL. Safe to call twice and on a half-started run.
#   bash scripts/e2e/stop-cluster.sh RUN_DIR
set -uo pipefail
RUN="${1:?usage: stop-cluster.sh RUN_DIR}"
[[ -d "$RUN/pids" ]] || exit 0
# reverse start order: provisioner, kwok, scheduler, kcm, apiserver, etcd; nacos any time
order=(pv-provisioner kwok kube-scheduler kube-controller-manager kube-apiserver nacos etcd)
for name in "${order[@]}" $(ls "$RUN/pids" 2>/dev/null | sed 's/\.pid$//'); do
  f="$RUN/pids/$name.pid"
  [[ -f "$f" ]] || continue
  pid="$(cat "$f")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    # started with setsid: the pid is its process group's leader
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; }
    printf '[e2e] stopped %s (pid %s)\n' "$name" "$pid" >&2
  fi
  rm -f "$f"
done
