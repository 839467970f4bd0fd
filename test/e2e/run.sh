#!/usr/bin/env bash
# The real end-to-end lane (issue 7): `npm run e2e`.
#
# Builds/reuses the pinned tools (scripts/e2e/install-tools.sh, cache outside the repo), starts etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, kwok and Nacos 3.1 on 127.0.0.1 with auth
# on, then runs the `dev` stack with `pulumi up` against them and checks the result. Every step logs
# its name and duration; the first failing step fails the lane with its name. Every process started
# is stopped on exit, failure included.
#
# Env: AGENT_RUNTIME_CACHE (tool cache, default ~/.cache/agent-runtime-e2e), E2E_KEEP=1 (keep the
# run dir and leave nothing running anyway), E2E_BENCH_OUT (default bench/e2e.json).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E="$ROOT/scripts/e2e"
source "$E2E/versions.env"
source "$E2E/lib.sh"
CACHE="$(e2e_cache)"
BIN="$CACHE/bin"
SHARED_CRDS="${E2E_SHARED_CRDS:-$ROOT/../shared/crds}"
BENCH_OUT="${E2E_BENCH_OUT:-$ROOT/bench/e2e.json}"
STACK=dev

RUN="$(mktemp -d "${TMPDIR:-/tmp}/agent-runtime-e2e.XXXXXX")"
export E2E_RUN_DIR="$RUN"
LANE_T0=$(date +%s)
CURRENT_STEP="(setup)"

cleanup() {
  local rc=$?
  set +e
  bash "$E2E/stop-cluster.sh" "$RUN"
  if [[ $rc -ne 0 ]]; then
    log "LANE FAILED at step: $CURRENT_STEP (run dir: $RUN; logs in $RUN/logs)"
    for f in "$RUN"/logs/*.log; do [[ -f "$f" ]] && { echo "----- tail $f" >&2; tail -n 15 "$f" >&2; }; done
  fi
  if [[ -z "${E2E_KEEP:-}" && $rc -eq 0 ]]; then rm -rf "$RUN"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# step NAME FUNCTION : runs one named step; a failure stops the lane naming the step
step() {
  CURRENT_STEP="$1"
  local rc
  # not `step_time ... || ...`: errexit must stay on inside the step (bash ignores -e in `||` lists)
  set +e
  step_time "$1" "$2"
  rc=$?
  set -e
  if [[ $rc -ne 0 ]]; then
    echo "e2e: $PASSED passed, 1 failed (failed step: $1)"
    exit 1
  fi
  PASSED=$((PASSED + 1))
}
PASSED=0

# ------------------------------------------------------------------ steps
tools() {
  local t0; t0=$(date +%s)
  bash "$E2E/install-tools.sh"
  echo $(( $(date +%s) - t0 )) >"$RUN/tools.s"
}

start_everything() {
  # Nacos starts with no user: the stack's NacosAdmin creates the first admin, as in a real install
  E2E_NACOS_CREATE_ADMIN=0 bash "$E2E/start-cluster.sh" "$RUN"
  source "$RUN/env.sh"
}

kubeconfig_check() {
  source "$RUN/env.sh"
  [[ -s "$KUBECONFIG" ]]
  # a Deployment becomes Ready under kwok (scheduler + controller-manager + fake kubelet work)
  node "$E2E/cluster-helper.mjs" smoke "$KUBECONFIG"
}

apply_crds() {
  source "$RUN/env.sh"
  # Third-party CRDs: their upstream projects publish no registry package, so they are read at run
  # time from ../shared/crds (not committed to this repo).
  [[ -d "$SHARED_CRDS" ]] || { log "no CRDs at $SHARED_CRDS (set E2E_SHARED_CRDS)"; return 1; }
  node "$ROOT/test/e2e/checks.mjs" apply-crds "$SHARED_CRDS"
}

keda_scale_to_zero() {
  source "$RUN/env.sh"
  # KEDA's own CRDs (ScaledJob, TriggerAuthentication, ... which its controllers watch) from the build
  node "$ROOT/test/e2e/checks.mjs" apply-crds "$CACHE/keda-crds"
  node "$ROOT/test/e2e/keda-check.mjs" "$RUN" "$KUBECONFIG" "$BIN/keda-operator"
}

pulumi_env() {
  source "$RUN/env.sh"
  # Dynamic providers (AgentCard, NacosNamespace) require runtime/*.ts when they run: their host,
  # found on PATH before @pulumi/pulumi's own script, preloads ts-node (transpile only) for them alone.
  mkdir -p "$RUN/bin"
  cat >"$RUN/bin/pulumi-resource-pulumi-nodejs" <<EOF
#!/bin/sh
export NODE_OPTIONS="\${NODE_OPTIONS:-} --require ts-node/register/transpile-only"
export TS_NODE_PROJECT="$ROOT/tsconfig.json"
exec "$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "\$@"
EOF
  chmod +x "$RUN/bin/pulumi-resource-pulumi-nodejs"
  export PATH="$RUN/bin:$BIN:$ROOT/node_modules/@pulumi/pulumi:$ROOT/node_modules/.bin:$PATH"
  export PULUMI_HOME="$RUN/pulumi-home"
  export PULUMI_CONFIG_PASSPHRASE="e2e-$(basename "$RUN")"
  export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  # the TypeScript program is type-checked by `npm test`; here ts-node only transpiles
  export PULUMI_NODEJS_TRANSPILE_ONLY=true
  # optional: another tsconfig for the program (Pulumi's runtime option `tsconfig`), e.g. to try a fix
  [[ -n "${E2E_PULUMI_TSCONFIG:-}" ]] && export PULUMI_NODEJS_TSCONFIG_PATH="$E2E_PULUMI_TSCONFIG"
  CFG="$RUN/Pulumi.$STACK.e2e.yaml"
  PULUMI=(pulumi --cwd "$ROOT" --non-interactive --color never)
  S=(--stack "$STACK" --config-file "$CFG")
}

login() {
  pulumi_env
  mkdir -p "$RUN/state"
  pulumi login "file://$RUN/state"
  # `pulumi stack init` would write the passphrase salt into the repo's Pulumi.dev.yaml; the lane
  # keeps every change in its own config file (--config-file) and so creates the empty stack itself,
  # as the file backend stores it (project-scoped layout).
  local project; project="$(sed -n 's/^name: *//p' "$ROOT/Pulumi.yaml" | head -1)"
  mkdir -p "$RUN/state/.pulumi/stacks/$project"
  printf '{"version":3,"checkpoint":{"stack":"organization/%s/%s","latest":null}}\n' "$project" "$STACK" \
    >"$RUN/state/.pulumi/stacks/$project/$STACK.json"
  pulumi --cwd "$ROOT" stack ls --non-interactive
}

stack_config() {
  pulumi_env
  # the dev config + what this lane changes: third-party Helm installs off (their images cannot run
  # here; their CRDs were applied above), registrations against the real Nacos on 127.0.0.1.
  node "$ROOT/test/e2e/checks.mjs" write-config "$ROOT/Pulumi.$STACK.yaml" "$CFG"
  # the internal issuer's signing key (P-256, fresh per run): the program derives the gateway's
  # internal JWKS from it, the controller signs agent tokens with it; synth (no secrets) reads
  # that JWKS from config, so the lane's config and the synth root carry its public half
  node -e 'process.stdout.write(require("crypto").generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }))' >"$RUN/internal-issuer.pem"
  chmod 600 "$RUN/internal-issuer.pem"
  node "$ROOT/test/e2e/checks.mjs" internal-jwks "$CFG" "$CFG" "$RUN/internal-issuer.pem"
  mkdir -p "$RUN/synth-root"
  node "$ROOT/test/e2e/checks.mjs" internal-jwks "$ROOT/Pulumi.$STACK.yaml" "$RUN/synth-root/Pulumi.$STACK.yaml" "$RUN/internal-issuer.pem"
  # the Secrets the stack needs, as Pulumi secret config (encrypted with the passphrase provider)
  printf '%s' "$NACOS_AUTH_TOKEN_SECRET" | "${PULUMI[@]}" config set "${S[@]}" --secret nacosAuthToken
  printf '%s' "$NACOS_IDENTITY_KEY" | "${PULUMI[@]}" config set "${S[@]}" --secret nacosIdentityKey
  printf '%s' "$NACOS_IDENTITY_VALUE" | "${PULUMI[@]}" config set "${S[@]}" --secret nacosIdentityValue
  printf '%s' "$NACOS_PASSWORD" | "${PULUMI[@]}" config set "${S[@]}" --secret nacosAdminPassword
  node "$ROOT/test/e2e/checks.mjs" tenant-secrets "$ROOT/Pulumi.$STACK.yaml" >"$RUN/tenant-secrets.json"
  "${PULUMI[@]}" config set "${S[@]}" --secret tenantSecrets <"$RUN/tenant-secrets.json"
  "${PULUMI[@]}" config set "${S[@]}" --secret internalIssuerKey <"$RUN/internal-issuer.pem"
  # every secret value, for the state check
  node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const key = require("fs").readFileSync(process.argv[3], "utf8").split("\n").filter((l) => l && !l.startsWith("-----")).join("");
    const v = [process.env.NACOS_AUTH_TOKEN_SECRET, process.env.NACOS_IDENTITY_VALUE, process.env.NACOS_PASSWORD, ...Object.values(s), key];
    require("fs").writeFileSync(process.argv[2], JSON.stringify(v), { mode: 0o600 });
  ' "$RUN/tenant-secrets.json" "$RUN/secret-values.json" "$RUN/internal-issuer.pem"
}

UP_CREATE_S=""; UP_NOOP_S=""
pulumi_up() {
  pulumi_env
  local t0; t0=$(date +%s.%N)
  if ! "${PULUMI[@]}" up "${S[@]}" --yes --skip-preview --suppress-progress 2>&1 | tee "$RUN/logs/pulumi-up.log"; then
    if grep -q 'TS5110\|TS5109' "$RUN/logs/pulumi-up.log"; then
      log "hint: Pulumi's ts-node runner sets moduleResolution NodeNext unless tsconfig.json sets one; with \"module\": \"commonjs\" add \"moduleResolution\": \"node10\" to tsconfig.json (or try one with E2E_PULUMI_TSCONFIG=path)"
    fi
    return 1
  fi
  UP_CREATE_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  echo "$UP_CREATE_S" >"$RUN/up-create.s"
}

check_objects() {
  pulumi_env
  "${PULUMI[@]}" stack export --stack "$STACK" --file "$RUN/state-export.json"
  (cd "$ROOT" && node bin/agent-runtime.js synth --stack "$STACK" --root "$RUN/synth-root" --out "$RUN/synth") >/dev/null
  node "$ROOT/test/e2e/checks.mjs" objects "$RUN/synth" "$RUN/state-export.json"
}

check_nacos() {
  pulumi_env
  node "$ROOT/test/e2e/checks.mjs" nacos "$RUN/synth" present
}

check_policy() {
  pulumi_env
  set +e
  # the pack's default enforcement levels follow AGENT_RUNTIME_ENV (policies/pack/index.ts)
  AGENT_RUNTIME_ENV="$STACK" "${PULUMI[@]}" preview "${S[@]}" --policy-pack "$ROOT/policies/pack" --suppress-progress >"$RUN/logs/pulumi-preview-policy.log" 2>&1
  local rc=$?
  set -e
  cat "$RUN/logs/pulumi-preview-policy.log"
  if grep -qE '\[mandatory\]' "$RUN/logs/pulumi-preview-policy.log"; then
    log "mandatory policy violation(s) reported"; return 1
  fi
  grep -q 'Policies:' "$RUN/logs/pulumi-preview-policy.log" || { log "the policy pack did not run"; return 1; }
  return $rc
}

second_up() {
  pulumi_env
  local t0; t0=$(date +%s.%N)
  "${PULUMI[@]}" up "${S[@]}" --yes --expect-no-changes --suppress-progress 2>&1 | tee "$RUN/logs/pulumi-up-2.log"
  UP_NOOP_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  echo "$UP_NOOP_S" >"$RUN/up-noop.s"
}

check_refresh_drift() {
  pulumi_env
  node "$ROOT/test/e2e/checks.mjs" edit-card "$RUN/synth" >"$RUN/edited-card.txt"
  "${PULUMI[@]}" refresh "${S[@]}" --yes --skip-preview --json >"$RUN/logs/pulumi-refresh.json" 2>"$RUN/logs/pulumi-refresh.err" || { cat "$RUN/logs/pulumi-refresh.err"; return 1; }
  node "$ROOT/test/e2e/checks.mjs" refresh-detected "$RUN/logs/pulumi-refresh.json" "$(cat "$RUN/edited-card.txt")"
  # the next up puts the card back
  "${PULUMI[@]}" up "${S[@]}" --yes --skip-preview --suppress-progress >"$RUN/logs/pulumi-up-3.log" 2>&1 || { cat "$RUN/logs/pulumi-up-3.log"; return 1; }
  node "$ROOT/test/e2e/checks.mjs" nacos "$RUN/synth" present
}

check_state_secrets() {
  pulumi_env
  "${PULUMI[@]}" stack export --stack "$STACK" --file "$RUN/state-export.json"
  node "$ROOT/test/e2e/checks.mjs" no-plaintext "$RUN/state-export.json" "$RUN/secret-values.json"
}

check_controller() {
  pulumi_env
  node "$ROOT/test/e2e/controller-check.mjs" "$RUN" "$KUBECONFIG" "$CFG"
}

destroy() {
  pulumi_env
  "${PULUMI[@]}" destroy "${S[@]}" --yes --skip-preview --suppress-progress 2>&1 | tee "$RUN/logs/pulumi-destroy.log"
  node "$ROOT/test/e2e/checks.mjs" gone "$RUN/synth" "$RUN/state-export.json"
  node "$ROOT/test/e2e/checks.mjs" nacos "$RUN/synth" absent
}

bench() {
  # one entry per tool-cache state ("cold": tools built from the registries in this run; "warm": reused),
  # merged into the existing file so both stay recorded
  mkdir -p "$(dirname "$BENCH_OUT")"
  node -e '
    const fs = require("fs");
    const [out, create, noop, lane, tools, cold] = process.argv.slice(1);
    let all = {};
    try { all = JSON.parse(fs.readFileSync(out, "utf8")); } catch {}
    if (!all.runs) all = { lane: "e2e: kube-apiserver + kwok + Nacos 3.1, real pulumi up of the dev stack", machine: "2 cores, 24 GiB", runs: {} };
    const r = {
      pulumiUpCreateSeconds: Number(create),
      pulumiUpNoChangeSeconds: Number(noop),
      toolsSeconds: Number(tools),
      laneSeconds: Number(lane),
      measuredAt: new Date().toISOString(),
    };
    all.runs[cold === "1" ? "coldToolCache" : "warmToolCache"] = r;
    fs.writeFileSync(out, JSON.stringify(all, null, 2) + "\n");
    console.log(JSON.stringify(r));
  ' "$BENCH_OUT" "$(cat "$RUN/up-create.s")" "$(cat "$RUN/up-noop.s")" "$(( $(date +%s) - LANE_T0 ))" "$(cat "$RUN/tools.s" 2>/dev/null || echo 0)" "${TOOLS_WERE_COLD:-0}"
}

# ------------------------------------------------------------------ the lane
[[ -x "$BIN/kube-apiserver" && -x "$BIN/pulumi-resource-kubernetes" ]] || TOOLS_WERE_COLD=1
step "tools (install or reuse cache)" tools
step "start etcd, kube-apiserver, controller-manager, scheduler, kwok, Nacos" start_everything
step "kubeconfig + a Deployment Ready under kwok" kubeconfig_check
step "apply third-party CRDs" apply_crds
step "KEDA scales a ScaledObject 0 -> 1+ on the gateway signal and back to 0" keda_scale_to_zero
step "pulumi login (file backend)" login
step "stack config + secrets" stack_config
step "pulumi up (create)" pulumi_up
step "check: synthesized objects exist, custom resources accepted" check_objects
step "check: AgentCards and tenant namespaces in Nacos" check_nacos
step "check: pulumi preview --policy-pack policies/pack (no mandatory violation)" check_policy
step "check: second pulumi up reports no changes" second_up
step "check: hand edit in Nacos -> pulumi refresh detects it" check_refresh_drift
step "check: exported state holds no plain-text secret" check_state_secrets
step "check: agent-runtime controller (own ServiceAccount) keeps Nacos and agent tokens in sync, also across a Nacos restart" check_controller
step "pulumi destroy leaves nothing behind" destroy
step "bench" bench
log "e2e lane green in $(( $(date +%s) - LANE_T0 ))s"
echo "e2e: $PASSED passed, 0 failed"
