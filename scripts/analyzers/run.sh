#!/usr/bin/env bash
# Synthesizes dev, staging and prod and runs each installed third-party analyzer on the manifests:
# kubeconform (strict, Kubernetes and CRD schemas), checkov (Kubernetes framework), kube-score and network-config-analyzer (sanity of the
# NetworkPolicies). Checks that are not real for this platform are skipped by the config files
# skips.txt, each with its reason (filter.mjs applies it). Exits non-zero on any other finding, or when a tool
# is missing (set ANALYZERS_ALLOW_MISSING=1 to only warn).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${ANALYZERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-runtime-e2e/analyzers}"
envs=("${@:-dev staging prod}"); read -r -a envs <<< "${envs[*]}"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
failed=0
k8s_schemas="${AGENT_RUNTIME_CACHE:-$HOME/.cache/agent-runtime}/kubernetes-validate-1.37.0/kubernetes_validate/kubernetes-json-schema/v1.33.0-local-strict"
fail() { echo "FINDINGS: $*"; failed=1; }

tool() { [[ -x "$cache/bin/$1" ]] && echo "$cache/bin/$1"; }
missing() {
  echo "== $1: NOT INSTALLED (run scripts/analyzers/install.sh)"
  [[ "${ANALYZERS_ALLOW_MISSING:-0}" == 1 ]] || failed=1
}

for env in "${envs[@]}"; do
  dir="$out/$env"
  (cd "$repo" && node bin/agent-runtime.js synth --stack "$env" --out "$dir" >/dev/null) \
    || { fail "$env: synth failed"; continue; }
  rm -rf "$dir/values"  # Helm values for the Higress chart, not Kubernetes objects
  manifests=("$dir"/*.yaml)

  if kubeconform="$(tool kubeconform)" && [[ -d "$k8s_schemas" ]]; then
    echo "== kubeconform $env"
    [[ -d "$out/schemas" ]] || node "$here/kubeconform-schemas.mjs" "$k8s_schemas" "$repo/../shared/crds" "$out/schemas"
    # No schema, no pass: a kind without one is an error (no -ignore-missing-schemas).
    "$kubeconform" -strict -summary \
      -schema-location "$out/schemas/k8s/{{.ResourceKind}}{{.KindSuffix}}.json" \
      -schema-location "$out/schemas/crds/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json" \
      "${manifests[@]}" 2>&1 | sed 's/^/  /' || fail "kubeconform $env"
  else missing kubeconform; fi

  if checkov="$(tool checkov)"; then
    echo "== checkov $env"
    "$checkov" --config-file "$here/checkov.yaml" -o json -d "$dir" >"$out/checkov-$env.json" 2>"$out/checkov.err"
    node "$here/filter.mjs" checkov "$env" "$out/checkov-$env.json" || fail "checkov $env"
  else missing checkov; fi

  if kubescore="$(tool kube-score)"; then
    echo "== kube-score $env"
    "$kubescore" score --output-format json "${manifests[@]}" >"$out/kube-score-$env.json" 2>"$out/ks.err"
    node "$here/filter.mjs" kube-score "$env" "$out/kube-score-$env.json" || fail "kube-score $env"
  else missing kube-score; fi

  if nca="$(tool nca)"; then
    echo "== network-config-analyzer $env"
    # nca skips a whole file that holds '{{' (alert templates, Wasm plugin configs): it is given only
    # the kinds it models (namespaces, workloads, services, ingresses, network policies).
    # It reads Namespace labels from the files: add kubernetes.io/metadata.name, as the API server does.
    mkdir -p "$out/nca-$env"
    (cd "$repo" && node -e '
      const y = require("js-yaml"), fs = require("fs"), [src, dst] = process.argv.slice(1);
      const kinds = new Set(["Namespace", "NetworkPolicy", "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Service", "Ingress"]);
      for (const f of fs.readdirSync(src).filter((n) => n.endsWith(".yaml"))) {
        const docs = y.loadAll(fs.readFileSync(`${src}/${f}`, "utf8")).filter((d) => d && kinds.has(d.kind));
        for (const d of docs) if (d.kind === "Namespace") d.metadata.labels = { ...d.metadata.labels, "kubernetes.io/metadata.name": d.metadata.name };
        fs.writeFileSync(`${dst}/${f}`, docs.map((d) => y.dump(d, { noRefs: true })).join("---\n"));
      }' "$dir" "$out/nca-$env")
    (cd "$out" && "$nca" --sanity "nca-$env" --ns_list "nca-$env" --pod_list "nca-$env") >"$out/nca-$env.txt" 2>&1
    node "$here/filter.mjs" nca "$env" "$out/nca-$env.txt" || fail "network-config-analyzer $env"
  else missing network-config-analyzer; fi
done
[[ $failed == 0 ]] && echo "analyzers: no unjustified findings in ${envs[*]}"
exit $failed
