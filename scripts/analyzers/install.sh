#!/usr/bin/env bash
# Installs the third-party manifest analyzers outside the repository, each pinned:
#   checkov (PyPI) and network-config-analyzer (PyPI), each in its own venv (their pins clash),
#   kube-score and kubeconform (Go modules, built with the local toolchain).
# Idempotent: a tool whose stamp names the pinned version is kept. A tool that cannot be installed
# is skipped with a message; run.sh then reports it as not installed.
set -uo pipefail
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"
KUBE_SCORE_VERSION="${KUBE_SCORE_VERSION:-v1.20.0}"
KUBECONFORM_VERSION="${KUBECONFORM_VERSION:-v0.7.0}"
NCA_VERSION="${NCA_VERSION:-2.1.0}"
cache="${ANALYZERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-runtime-e2e/analyzers}"
python="${PYTHON:-python3}"
mkdir -p "$cache/bin"

# pip_tool NAME PACKAGE VERSION ENTRYPOINT: a venv per tool, stamped with its version.
pip_tool() {
  local name="$1" pkg="$2" version="$3" entry="$4" venv="$cache/$1-venv"
  if [[ -x "$venv/bin/$entry" && "$(cat "$venv/.stamp" 2>/dev/null)" == "$version" ]]; then
    ln -sf "$venv/bin/$entry" "$cache/bin/$entry"; echo "$name $version: cached"; return 0
  fi
  rm -rf "$venv" && "$python" -m venv "$venv" || { echo "$name: SKIPPED (no venv)" >&2; return 1; }
  if ! nice -n 19 "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
      "$pkg==$version" >"$cache/$name-install.log" 2>&1; then
    echo "$name: SKIPPED (pip install $pkg==$version failed, see $cache/$name-install.log)" >&2
    rm -rf "$venv"; return 1
  fi
  echo "$version" > "$venv/.stamp"
  ln -sf "$venv/bin/$entry" "$cache/bin/$entry"; echo "$name $version: installed"
}

# go_tool NAME MODULE/cmd/NAME VERSION: `go install` into the cache, stamped with its version.
go_tool() {
  local name="$1" pkg="$2" version="$3" bin="$cache/bin/$1" stamp="$cache/$1.stamp"
  if [[ -x "$bin" && "$(cat "$stamp" 2>/dev/null)" == "$version" ]]; then
    echo "$name $version: cached"; return 0
  fi
  command -v go >/dev/null || { echo "$name: SKIPPED (no go toolchain)" >&2; return 1; }
  if ! GOBIN="$cache/bin" GOFLAGS=-mod=mod GOTOOLCHAIN=local nice -n 19 \
      go install "$pkg@$version" >"$cache/$name-install.log" 2>&1; then
    echo "$name: SKIPPED (go install $pkg@$version failed, see $cache/$name-install.log)" >&2; return 1
  fi
  echo "$version" > "$stamp"; echo "$name $version: installed"
}

pip_tool checkov checkov "$CHECKOV_VERSION" checkov
go_tool kube-score github.com/zegl/kube-score/cmd/kube-score "$KUBE_SCORE_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
# kubeconform validates against these (offline): the strict Kubernetes schemas the tests use.
bash "$(dirname "$0")/../install-k8s-schemas.sh" >&2 || echo "kubeconform: no Kubernetes schemas (install-k8s-schemas.sh failed)" >&2
pip_tool network-config-analyzer network-config-analyzer "$NCA_VERSION" nca
exit 0
