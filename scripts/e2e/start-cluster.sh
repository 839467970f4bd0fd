#!/usr/bin/env bash
# Starts a local control plane + Nacos 3.1, all on 127.0.0.1, with auth on:
#   etcd, kube-apiserver (x509 client certs, RBAC+Node), kube-controller-manager, kube-scheduler,
#   kwok (fake kubelet for 3 fake nodes), a fake PV provisioner, Nacos 3.1 standalone (auth on).
#
#   bash scripts/e2e/start-cluster.sh RUN_DIR
#   bash scripts/e2e/start-cluster.sh RUN_DIR restart-nacos   stops the run's Nacos (TERM, 30 s grace)
#       and starts it again with the same config, credentials and data dir (Derby), as a pod restart
#       would; returns once its admin can log in (the admin must exist: created at start or by the stack)
#
# Writes RUN_DIR/kubeconfig, RUN_DIR/env.sh (KUBECONFIG, NACOS_* for the lane), pid files in
# RUN_DIR/pids and logs in RUN_DIR/logs. Stop with scripts/e2e/stop-cluster.sh RUN_DIR (also on failure).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/versions.env"
source "$HERE/lib.sh"

RUN="${1:?usage: start-cluster.sh RUN_DIR [restart-nacos]}"
VERB="${2:-start}"
[[ "$VERB" == start || "$VERB" == restart-nacos ]] || die "usage: start-cluster.sh RUN_DIR [restart-nacos]"
CACHE="$(e2e_cache)"
BIN="$CACHE/bin"
mkdir -p "$RUN"/{pki,pids,logs,etcd,nacos/conf,nacos/logs}
RUN="$(cd "$RUN" && pwd)"
PKI="$RUN/pki"
API="https://127.0.0.1:$KUBE_APISERVER_PORT"

NACOS_DIR="$CACHE/nacos-$NACOS_VERSION"
[[ -f "$NACOS_DIR/.complete" ]] || die "$NACOS_DIR missing: run scripts/e2e/install-tools.sh nacos"

# start NAME CMD... : runs CMD in its own session, logs to logs/NAME.log, pid in pids/NAME.pid
start() {
  local name="$1"; shift
  setsid "$@" >"$RUN/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN/pids/$name.pid"
}

# wait_for NAME SECONDS CMD... : polls CMD until it succeeds; fails with the process log tail
wait_for() {
  local name="$1" secs="$2"; shift 2
  local end=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$RUN/pids/$name.pid")" 2>/dev/null; then
      tail -n 40 "$RUN/logs/$name.log" >&2; die "$name exited"
    fi
    if (( $(date +%s) > end )); then
      tail -n 40 "$RUN/logs/$name.log" >&2; die "$name not healthy after ${secs}s"
    fi
    sleep 0.5
  done
}

# ------------------------------------------------------------------ PKI (openssl)
pki() {
  cd "$PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=agent-runtime-e2e-ca" 2>/dev/null
  # service-account signing key pair
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  # name CN O [SAN]
  cert() {
    local name="$1" cn="$2" o="$3" san="${4:-}"
    local subj="/CN=$cn"; [[ -n "$o" ]] && subj="/O=$o/CN=$cn"
    openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subj" 2>/dev/null
    if [[ -n "$san" ]]; then
      printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" >"$name.ext"
    else
      printf 'extendedKeyUsage=clientAuth\n' >"$name.ext"
    fi
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  }
  cert apiserver kube-apiserver "" "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert admin e2e-admin system:masters
  cert kcm system:kube-controller-manager ""
  cert scheduler system:kube-scheduler ""
  cert kwok kwok system:masters
}

kubeconfig() { # file user
  local f="$1" u="$2"
  cat >"$f" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: $API
    certificate-authority: $PKI/ca.crt
users:
- name: $u
  user:
    client-certificate: $PKI/$u.crt
    client-key: $PKI/$u.key
contexts:
- name: e2e
  context: {cluster: e2e, user: $u}
current-context: e2e
EOF
}

CURL=(curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key")

start_etcd() {
  start etcd "$BIN/etcd" --name e2e --data-dir "$RUN/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "e2e=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "" \
    --unsafe-no-fsync --quota-backend-bytes 2147483648
  wait_for etcd 60 curl -sf "http://127.0.0.1:$ETCD_CLIENT_PORT/health"
}

start_apiserver() {
  start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$KUBE_APISERVER_PORT" \
    --endpoint-reconciler-type none \
    --cert-dir "$PKI" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range 10.96.0.0/16 \
    --authorization-mode Node,RBAC --anonymous-auth=false \
    --allow-privileged=true --profiling=false \
    --enable-priority-and-fairness=false
  wait_for kube-apiserver 120 "${CURL[@]}" "$API/readyz"
}

start_kcm() {
  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$RUN/kcm.kubeconfig" --authentication-kubeconfig "$RUN/kcm.kubeconfig" \
    --authorization-kubeconfig "$RUN/kcm.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --leader-elect=false \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --use-service-account-credentials=true \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --controllers '*,-nodeipam' --profiling=false
  wait_for kube-controller-manager 60 curl -skf "https://127.0.0.1:$KCM_PORT/healthz"
}

start_scheduler() {
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$RUN/scheduler.kubeconfig" --authentication-kubeconfig "$RUN/scheduler.kubeconfig" \
    --authorization-kubeconfig "$RUN/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false --profiling=false
  wait_for kube-scheduler 60 curl -skf "https://127.0.0.1:$SCHEDULER_PORT/healthz"
}

start_kwok() {
  start kwok "$BIN/kwok" --kubeconfig "$RUN/kwok.kubeconfig" --config "$CACHE/kwok-stages.yaml" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --manage-nodes-with-label-selector= \
    --cidr=10.244.0.1/16 --node-ip=10.0.0.1 --node-lease-duration-seconds=40 \
    --server-address "127.0.0.1:$KWOK_PORT"
  wait_for kwok 60 curl -sf "http://127.0.0.1:$KWOK_PORT/healthz"
  # three fake nodes, one per zone (Nacos anti-affinity needs 3 hosts)
  node "$HERE/cluster-helper.mjs" nodes "$RUN/kubeconfig" 3
}

start_provisioner() {
  start pv-provisioner node "$HERE/cluster-helper.mjs" provisioner "$RUN/kubeconfig"
}

# A new Nacos: fresh token secret, server identity and admin password, then launch_nacos.
start_nacos() {
  local secret
  secret="$(head -c 48 /dev/urandom | base64 -w0)"
  local identity_value; identity_value="$(head -c 24 /dev/urandom | base64 -w0 | tr -d '/+=')"
  local admin_password; admin_password="e2e-$(head -c 18 /dev/urandom | base64 -w0 | tr -d '/+=')"
  cat >"$RUN/nacos/conf/application.properties" <<EOF
nacos.standalone=true
nacos.deployment.type=merged
server.address=127.0.0.1
nacos.server.main.port=$NACOS_PORT
server.port=$NACOS_PORT
nacos.server.contextPath=/nacos
server.servlet.contextPath=/nacos
nacos.console.port=$NACOS_CONSOLE_PORT
spring.sql.init.platform=
nacos.core.auth.enabled=true
nacos.core.auth.admin.enabled=true
nacos.core.auth.console.enabled=true
nacos.core.auth.system.type=nacos
nacos.core.auth.plugin.nacos.token.secret.key=$secret
nacos.core.auth.plugin.nacos.token.expire.seconds=18000
nacos.core.auth.server.identity.key=e2eServerIdentity
nacos.core.auth.server.identity.value=$identity_value
nacos.istio.mcp.server.enabled=false
management.endpoints.web.exposure.include=health
management.influx.metrics.export.enabled=false
management.elastic.metrics.export.enabled=false
EOF
  chmod 600 "$RUN/nacos/conf/application.properties"
  launch_nacos
  echo "$admin_password" >"$RUN/nacos/.admin-password"; chmod 600 "$RUN/nacos/.admin-password"
  echo "$secret" >"$RUN/nacos/.token-secret"; echo "$identity_value" >"$RUN/nacos/.identity-value"
}

# The JVM on the config and data dir under RUN/nacos (embedded Derby in RUN/nacos/data).
launch_nacos() {
  start nacos java -Xms256m -Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dnacos.standalone=true -Dnacos.home="$RUN/nacos" -Dnacos.logs.path="$RUN/nacos/logs" \
    -DJM.LOG.PATH="$RUN/nacos/logs" -Duser.home="$RUN/nacos" \
    -Dspring.config.additional-location="file:$RUN/nacos/conf/" \
    -cp "$NACOS_DIR/launcher:$(cat "$NACOS_DIR/classpath.txt")" E2eNacosLauncher
}

# The same Nacos again: its JVM stopped by pid file, its log kept beside, relaunched on the same
# config (token secret, identity) and data, so users, namespaces and cards are those it stored.
stop_nacos() {
  stop_pidfile "$RUN" nacos 30
  [[ -f "$RUN/logs/nacos.log" ]] && mv "$RUN/logs/nacos.log" "$RUN/logs/nacos-$(date +%H%M%S)-before-restart.log"
  return 0
}

# wait_nacos [restart]: live, then the admin logs in (created first unless restart or E2E_NACOS_CREATE_ADMIN=0)
wait_nacos() {
  local admin_password secret identity_value
  admin_password="$(cat "$RUN/nacos/.admin-password")"; secret="$(cat "$RUN/nacos/.token-secret")"
  identity_value="$(cat "$RUN/nacos/.identity-value")"
  wait_for nacos 240 curl -sf "http://127.0.0.1:$NACOS_PORT/nacos/v3/admin/core/state/liveness"
  # first admin password, then wait until the user cache sees it. E2E_NACOS_CREATE_ADMIN=0 leaves
  # Nacos without any user, for a caller (the stack's NacosAdmin) to create the first admin.
  if [[ "${1:-}" == restart || "${E2E_NACOS_CREATE_ADMIN:-1}" != 0 ]]; then
    [[ "${1:-}" == restart ]] || curl -sf -X POST "http://127.0.0.1:$NACOS_PORT/nacos/v3/auth/user/admin" --data-urlencode "password=$admin_password" >/dev/null
    local end=$(( $(date +%s) + 60 ))
    until curl -sf -X POST "http://127.0.0.1:$NACOS_PORT/nacos/v3/auth/user/login" \
        --data-urlencode "username=nacos" --data-urlencode "password=$admin_password" >/dev/null; do
      (( $(date +%s) > end )) && die "nacos login never succeeded"
      sleep 1
    done
  fi
  umask 077
  cat >"$RUN/nacos.env" <<EOF
export NACOS_ADDR=127.0.0.1:$NACOS_PORT
export NACOS_USERNAME=nacos
export NACOS_PASSWORD='$admin_password'
export NACOS_AUTH_TOKEN_SECRET='$secret'
export NACOS_IDENTITY_KEY=e2eServerIdentity
export NACOS_IDENTITY_VALUE='$identity_value'
EOF
}

if [[ "$VERB" == restart-nacos ]]; then
  [[ -f "$RUN/nacos/.admin-password" ]] || die "no Nacos of a run in $RUN to restart"
  step_time "nacos $NACOS_VERSION (stop)" stop_nacos
  step_time "nacos $NACOS_VERSION (launch again, same config and data)" launch_nacos
  step_time "nacos $NACOS_VERSION (ready, admin login)" wait_nacos restart
  exit 0
fi

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
  [[ -x "$BIN/$b" ]] || die "$BIN/$b missing: run scripts/e2e/install-tools.sh"
done
step_time "pki (openssl)" pki
kubeconfig "$RUN/kubeconfig" admin
kubeconfig "$RUN/kcm.kubeconfig" kcm
kubeconfig "$RUN/scheduler.kubeconfig" scheduler
kubeconfig "$RUN/kwok.kubeconfig" kwok

# Nacos (JVM start ~20 s) starts first and comes up while the control plane does.
step_time "nacos $NACOS_VERSION (launch)" start_nacos
step_time "etcd $ETCD_VERSION" start_etcd
step_time "kube-apiserver $K8S_VERSION" start_apiserver
step_time "kube-controller-manager" start_kcm
step_time "kube-scheduler" start_scheduler
step_time "kwok $KWOK_VERSION + 3 fake nodes" start_kwok
step_time "fake PV provisioner" start_provisioner
step_time "nacos $NACOS_VERSION (ready, admin user)" wait_nacos

cat >"$RUN/env.sh" <<EOF
export KUBECONFIG=$RUN/kubeconfig
export E2E_RUN_DIR=$RUN
export E2E_API=$API
source $RUN/nacos.env
EOF
log "cluster up: KUBECONFIG=$RUN/kubeconfig, Nacos http://127.0.0.1:$NACOS_PORT/nacos"
