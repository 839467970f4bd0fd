#!/usr/bin/env bash
# Builds/installs every tool of the real e2e lane into ${AGENT_RUNTIME_CACHE}/bin, from the
# registries only (Go module proxy, Maven Central). A tool whose binary is already there is skipped.
#
#   bash scripts/e2e/install-tools.sh            # all tools
#   bash scripts/e2e/install-tools.sh etcd kwok  # only some
#
# Heavy builds run under `nice -n 15` with `go build -p 2` (shared 2-core machine).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"
source "$HERE/lib.sh"

CACHE="$(e2e_cache)"
BIN="$CACHE/bin"
BUILD="$CACHE/build"
mkdir -p "$BIN" "$BUILD"
export GOFLAGS="-mod=mod -buildvcs=false"
export GOTOOLCHAIN=local
NICE=(nice -n 15)
GOBUILD=(go build -p 2 -trimpath)

have() { [[ -x "$BIN/$1" ]]; }

# ---------------------------------------------------------------- etcd
build_etcd() {
  have etcd && { log "etcd: cached"; return; }
  local d="$BUILD/etcd-$ETCD_VERSION"
  rm -rf "$d"; mkdir -p "$d"
  # etcd's server/go.mod has `replace ... => ../api` lines, so `go install pkg@version` refuses it:
  # a wrapper module that requires it instead.
  cat >"$d/go.mod" <<EOF
module e2e.local/etcd

go 1.24.0
EOF
  (cd "$d" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" \
      "go.etcd.io/etcd/api/v3@$ETCD_VERSION" "go.etcd.io/etcd/client/pkg/v3@$ETCD_VERSION" \
      "go.etcd.io/etcd/client/v3@$ETCD_VERSION" "go.etcd.io/etcd/pkg/v3@$ETCD_VERSION" \
    && "${NICE[@]}" "${GOBUILD[@]}" -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
}

# ---------------------------------------------------------------- kube-apiserver, kube-controller-manager
build_kube() {
  if have kube-apiserver && have kube-controller-manager && have kube-scheduler; then log "kube: cached"; return; fi
  local d="$BUILD/kubernetes-$K8S_VERSION"
  rm -rf "$d"; mkdir -p "$d"
  # The usual wrapper go.mod: k8s.io/kubernetes replaces every staging repo with ./staging/src/...,
  # which a dependent module must turn into the published v0.x.y of each staging repo.
  go mod download -json "k8s.io/kubernetes@$K8S_VERSION" >"$d/dl.json"
  local kdir
  kdir="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).Dir)' "$d/dl.json")"
  {
    echo "module e2e.local/kubernetes"
    echo
    echo "go 1.24.0"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    grep -oE '^\s*k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$kdir/go.mod" |
      awk -v v="$K8S_STAGING_VERSION" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } >"$d/go.mod"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  (cd "$d" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-scheduler@$K8S_VERSION")
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    have "$c" && continue
    step_time "go build $c" bash -c "cd '$d' && ${NICE[*]} ${GOBUILD[*]} -ldflags '$ld' -o '$BIN/$c' k8s.io/kubernetes/cmd/$c"
  done
}

# ---------------------------------------------------------------- kwok
build_kwok() {
  if have kwok && [[ -s "$CACHE/kwok-stages.yaml" ]]; then log "kwok: cached"; return; fi
  have kwok || GOBIN="$BIN" "${NICE[@]}" go install -p 2 -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  # kwok needs Stage objects (it refuses to start without any). Its module ships the upstream default
  # stages as data; the "fast" node/pod stages + node heartbeat with leases are what kwokctl uses.
  local src
  src="$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"; cat "$src/kustomize/stage/$f"
  done >"$CACHE/kwok-stages.yaml"
}

# ---------------------------------------------------------------- pulumi CLI + our language host
build_pulumi() {
  if have pulumi; then log "pulumi: cached"; else
    local d="$BUILD/pulumi-$PULUMI_VERSION"
    rm -rf "$d"; mkdir -p "$d"
    # pkg/go.mod has `replace sdk/v3 => ../sdk` and a clipboard fork replace: the wrapper requires the
    # same sdk version and copies the fork replace.
    local pkgdir
    pkgdir="$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
    {
      echo "module e2e.local/pulumi"
      echo
      echo "go 1.25.0"
      echo
      echo "require ("
      echo "	github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION"
      echo "	github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION"
      echo ")"
      grep -E '^replace ' "$pkgdir/go.mod" | grep -v '=> \.\./' || true
    } >"$d/go.mod"
    (cd "$d" && go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PULUMI_VERSION" \
      && "${NICE[@]}" "${GOBUILD[@]}" \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
        -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  fi
  build_langhost
}

build_langhost() {
  # Rebuilt when its source changes (it is this repo's code).
  local src="$HERE/langhost" stamp
  [[ -f "$src/main.go" ]] || { log "WARN: $src/main.go missing; language host not built"; return 0; }
  stamp="$(cat "$src"/*.go "$src"/go.mod "$HERE/versions.env" | sha256sum | cut -c1-16)"
  if have pulumi-language-nodejs && [[ "$(cat "$BIN/.langhost.stamp" 2>/dev/null)" == "$stamp" ]]; then
    log "pulumi-language-nodejs: cached"; return
  fi
  local d="$BUILD/langhost"
  rm -rf "$d"; mkdir -p "$d"; cp "$src"/*.go "$src"/go.mod "$d/"
  [[ -f "$src/go.sum" ]] && cp "$src/go.sum" "$d/"
  (cd "$d" && go mod edit -require="github.com/pulumi/pulumi/sdk/v3@$PULUMI_SDK_VERSION" && go mod tidy \
    && "${NICE[@]}" "${GOBUILD[@]}" -ldflags "-s -w" -o "$BIN/pulumi-language-nodejs" .)
  echo "$stamp" >"$BIN/.langhost.stamp"
}

# ---------------------------------------------------------------- pulumi-resource-kubernetes
build_provider() {
  have pulumi-resource-kubernetes && { log "pulumi-resource-kubernetes: cached"; return; }
  local mod="github.com/pulumi/pulumi-kubernetes/provider/v4"
  local src d="$BUILD/pulumi-kubernetes-provider"
  src="$(go mod download -json "$mod@$PULUMI_K8S_PROVIDER_MODULE_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
  rm -rf "$d"; cp -r "$src" "$d"; chmod -R u+w "$d"
  # The module zip ships schema.json and terraform-mapping.json but not the go:embed targets that the
  # upstream Makefile generates (`VERSION=x go generate` runs cmd/pulumi-resource-kubernetes/generate.go):
  # schema-embed.json = schema.json re-serialized with "version" set; terraform-mapping-embed.json =
  # terraform-mapping.json re-serialized. Same transformation here, in node.
  node -e '
    const fs = require("fs"), dir = process.argv[1], version = process.argv[2];
    const schema = JSON.parse(fs.readFileSync(dir + "/schema.json", "utf8"));
    schema.version = version;
    fs.writeFileSync(dir + "/schema-embed.json", JSON.stringify(schema));
    const tf = JSON.parse(fs.readFileSync(dir + "/terraform-mapping.json", "utf8"));
    fs.writeFileSync(dir + "/terraform-mapping-embed.json", JSON.stringify(tf));
  ' "$d/cmd/pulumi-resource-kubernetes" "$PULUMI_K8S_PROVIDER_VERSION"
  # its go.mod: `replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => ../sdk` -> the published sdk/v4
  (cd "$d" && go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4 \
      -require="github.com/pulumi/pulumi-kubernetes/sdk/v4@$PULUMI_K8S_SDK_MODULE_VERSION" \
    && go mod download && "${NICE[@]}" "${GOBUILD[@]}" \
      -ldflags "-s -w -X $mod/pkg/version.Version=$PULUMI_K8S_PROVIDER_VERSION" \
      -o "$BIN/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes)
}

# ---------------------------------------------------------------- Nacos 3.1 (Maven Central)
install_nacos() {
  local d="$CACHE/nacos-$NACOS_VERSION"
  local stamp; stamp="$(sha256sum "$HERE/nacos/E2eNacosLauncher.java" | cut -c1-16)"
  if [[ -f "$d/.complete" && "$(cat "$d/.complete")" == "$stamp" ]]; then log "nacos: cached"; return; fi
  rm -rf "$d"; mkdir -p "$d/resolve" "$d/launcher"
  # nacos-server + nacos-ai (A2A registry) + nacos-console, with nacos-all imported as BOM so that its
  # dependencyManagement (versions, exclusions) applies as in the upstream build.
  cat >"$d/resolve/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>e2e.local</groupId><artifactId>nacos-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencyManagement><dependencies>
    <dependency><groupId>$NACOS_GROUP</groupId><artifactId>nacos-all</artifactId><version>$NACOS_VERSION</version><type>pom</type><scope>import</scope></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>$NACOS_GROUP</groupId><artifactId>nacos-server</artifactId><version>$NACOS_VERSION</version></dependency>
    <dependency><groupId>$NACOS_GROUP</groupId><artifactId>nacos-ai</artifactId><version>$NACOS_VERSION</version></dependency>
    <dependency><groupId>$NACOS_GROUP</groupId><artifactId>nacos-console</artifactId><version>$NACOS_VERSION</version></dependency>
  </dependencies>
</project>
EOF
  # The classpath keeps Maven's resolution order: two Hessian implementations are on it
  # (com.caucho:hessian for nacos-consistency first, com.alipay.sofa:hessian from jraft after), as in
  # the upstream distribution; a directory wildcard would pick one at random.
  (cd "$d/resolve" && "${NICE[@]}" mvn -B -q dependency:build-classpath -Dmdep.outputFile="$d/classpath.txt")
  "${NICE[@]}" javac -nowarn -d "$d/launcher" -cp "$(cat "$d/classpath.txt")" "$HERE/nacos/E2eNacosLauncher.java"
  echo "$stamp" >"$d/.complete"
}

# ---------------------------------------------------------------- KEDA operator (scale to zero check)
build_keda() {
  have keda-operator && [[ -d "$CACHE/keda-crds" ]] && { log "keda: cached"; return; }
  local d="$BUILD/keda-$KEDA_VERSION" src
  rm -rf "$d"; mkdir -p "$d"
  # keda's go.mod has a replace directive, so `go install pkg@version` refuses it: a wrapper module
  # requires it and copies the replace lines (they point at published modules, not at ../ paths).
  src="$(go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')"
  {
    echo "module e2e.local/keda"
    echo
    grep -E '^go ' "$src/go.mod"
    echo
    echo "require github.com/kedacore/keda/v2 $KEDA_VERSION"
    grep -E '^replace ' "$src/go.mod" | grep -v '=> \.\./' || true
    grep -E '^exclude ' "$src/go.mod" || true
  } >"$d/go.mod"
  (cd "$d" && go get "github.com/kedacore/keda/v2/cmd/operator@$KEDA_VERSION" \
    && "${NICE[@]}" "${GOBUILD[@]}" -ldflags "-s -w -X github.com/kedacore/keda/v2/version.Version=$KEDA_VERSION" \
      -o "$BIN/keda-operator" github.com/kedacore/keda/v2/cmd/operator)
  rm -rf "$CACHE/keda-crds"; mkdir -p "$CACHE/keda-crds"
  cp "$src"/config/crd/bases/keda.sh_*.yaml "$CACHE/keda-crds/"
  chmod -R u+w "$CACHE/keda-crds"
}

# ----------------------------------------------------------------
ALL=(etcd kwok nacos pulumi provider kube keda)
want=("$@"); [[ ${#want[@]} -eq 0 ]] && want=("${ALL[@]}")
t0=$(date +%s)
for t in "${want[@]}"; do
  case "$t" in
    etcd) step_time "etcd $ETCD_VERSION" build_etcd ;;
    kwok) step_time "kwok $KWOK_VERSION" build_kwok ;;
    nacos) step_time "nacos $NACOS_GROUP:$NACOS_VERSION" install_nacos ;;
    pulumi) step_time "pulumi $PULUMI_VERSION + language host" build_pulumi ;;
    provider) step_time "pulumi-resource-kubernetes $PULUMI_K8S_PROVIDER_VERSION" build_provider ;;
    kube) step_time "kubernetes $K8S_VERSION" build_kube ;;
    keda) step_time "keda $KEDA_VERSION" build_keda ;;
    *) die "unknown tool: $t" ;;
  esac
done
log "install-tools: done in $(( $(date +%s) - t0 ))s; binaries in $BIN"
