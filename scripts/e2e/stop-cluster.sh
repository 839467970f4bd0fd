#!/usr/bin/env bash
# Stops every process scripts/e2e/start-cluster.sh started (pid files in RUN_DIR/pids), each by its
# own pid/process group, TERM then KILL. Safe to call twice and on a half-started run.
#   bash scripts/e2e/stop-cluster.sh RUN_DIR
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
RUN="${1:?usage: stop-cluster.sh RUN_DIR}"
[[ -d "$RUN/pids" ]] || exit 0
# reverse start order: provisioner, kwok, scheduler, kcm, apiserver, etcd; nacos any time
order=(pv-provisioner kwok kube-scheduler kube-controller-manager kube-apiserver nacos etcd)
for name in "${order[@]}" $(ls "$RUN/pids" 2>/dev/null | sed 's/\.pid$//'); do
  stop_pidfile "$RUN" "$name"
done
