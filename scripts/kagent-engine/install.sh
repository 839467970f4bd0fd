#!/usr/bin/env bash
# Installs kagent's Python engine (kagent-adk, PyPI) into a venv outside the repository, pinned by
# the constraints built from kagent v0.9.12's python/uv.lock (a bare `pip install kagent-adk==0.9.12`
# does not resolve: kagent-core asks for a pre-release of opentelemetry-instrumentation-fastapi).
# Idempotent: a venv whose stamp matches the constraints file is kept. Prints the venv path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
release="${KAGENT_RELEASE:-0.9.12}"
constraints="$here/constraints-v$release.txt"
venv="${KAGENT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-runtime-e2e/kagent-venv-$release}"
stamp="$venv/.agent-runtime-stamp"
want="$(sha256sum "$constraints" | cut -d' ' -f1)"
if [[ -x "$venv/bin/kagent-adk" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$venv"; exit 0
fi
python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] < (3, 14) else 1)' \
  || { echo "kagent-adk $release needs Python 3.10-3.13; set PYTHON" >&2; exit 1; }
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
# pip <= 25 resolves with these pins (spec: verified with pip 23.2.1); a newer pip floats nothing, as every package is pinned.
nice -n 10 "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
  -c "$constraints" "kagent-adk==$release" >&2
"$venv/bin/kagent-adk" --help >/dev/null
echo "$want" > "$stamp"
echo "$venv"
