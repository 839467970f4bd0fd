#!/usr/bin/env bash
# Installs the official Python A2A parts the agent tests use (a2a-sdk 1.x client and server, a2a-lint, uvicorn to serve) into a
# venv outside the repo, once: $AGENT_RUNTIME_CACHE/a2a-venv-<versions> (default
# ~/.cache/agent-runtime-e2e). Idempotent: a complete venv is reused; prints its python path.
# Run by `npm run test:a2a-clients` (and so by .ci/run); the jest tests call it themselves too.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=e2e/lib.sh
source scripts/e2e/lib.sh
A2A_SDK_VERSION="${A2A_SDK_VERSION:-1.3.0}"
A2A_LINT_VERSION="${A2A_LINT_VERSION:-0.1.1}"
UVICORN_VERSION="${UVICORN_VERSION:-0.55.0}"
venv="$(e2e_cache)/a2a-venv-sdk${A2A_SDK_VERSION}-lint${A2A_LINT_VERSION}-uvicorn${UVICORN_VERSION}"
if [[ -f "$venv/.complete" ]]; then echo "$venv/bin/python"; exit 0; fi
mkdir -p "$(e2e_cache)"
exec 9>"$(e2e_cache)/a2a-venv.lock"
flock 9
if [[ ! -f "$venv/.complete" ]]; then
  rm -rf "$venv"
  log "installing a2a-sdk==$A2A_SDK_VERSION a2a-lint==$A2A_LINT_VERSION into $venv"
  python3 -m venv "$venv" >&2
  nice -n 10 "$venv/bin/pip" install --quiet --disable-pip-version-check "a2a-sdk[http-server]==$A2A_SDK_VERSION" "a2a-lint==$A2A_LINT_VERSION" "uvicorn==$UVICORN_VERSION" >&2
  touch "$venv/.complete"
fi
echo "$venv/bin/python"
