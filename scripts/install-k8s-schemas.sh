#!/usr/bin/env bash
# Installs the strict Kubernetes JSON schemas shipped by PyPI's `kubernetes-validate` into a
# cache outside the repo. The tests validate every core object we emit against them.
set -euo pipefail
version=1.37.0
cache="${AGENT_RUNTIME_CACHE:-$HOME/.cache/agent-runtime}"
target="$cache/kubernetes-validate-$version"
if [ -d "$target/kubernetes_validate/kubernetes-json-schema" ]; then exit 0; fi
mkdir -p "$cache"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps "kubernetes-validate==$version" -d "$tmp"
python3 -m zipfile -e "$tmp"/kubernetes_validate-"$version"-*.whl "$tmp/unpacked"
mkdir -p "$target"
mv "$tmp/unpacked/kubernetes_validate" "$target/"
echo "installed Kubernetes schemas (kubernetes-validate $version) in $target"
