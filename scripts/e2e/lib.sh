# Shared helpers for scripts/e2e/*.sh and test/e2e/run.sh (sourced).

e2e_cache() { echo "${AGENT_RUNTIME_CACHE:-$HOME/.cache/agent-runtime-e2e}"; }

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# step_time NAME CMD... : runs CMD, logs its duration; on failure logs the step name and returns 1.
step_time() {
  local name="$1"; shift
  local t0 rc
  t0=$(date +%s.%N)
  log "▶ $name"
  set +e
  ( set -e; "$@" )
  rc=$?
  set -e
  local dt
  dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  if [[ $rc -ne 0 ]]; then
    log "✗ $name FAILED after ${dt}s (exit $rc)"
    return "$rc"
  fi
  log "✓ $name (${dt}s)"
}
