# Shared helpers for scripts/e2e/*.sh and test/e2e/run.sh (sourced).

e2e_cache() { echo "${AGENT_RUNTIME_CACHE:-$HOME/.cache/agent-runtime-e2e}"; }

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# step_time NAME CMD... : runs CMD, logs its duration; on failure logs the step name and returns 1.
step_time() {
  local name="$1"; shift
  local t0 rc errexit=
  [[ $- == *e* ]] && errexit=1
  t0=$(date +%s.%N)
  log "▶ $name"
  set +e
  ( set -e; "$@" )
  rc=$?
  # restore the caller's errexit only after the failure has been logged
  local restore=; [[ -n "$errexit" ]] && restore=1
  local dt
  dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  if [[ $rc -ne 0 ]]; then
    log "✗ $name FAILED after ${dt}s (exit $rc)"
    [[ -n "$restore" ]] && set -e
    return "$rc"
  fi
  log "✓ $name (${dt}s)"
  [[ -n "$restore" ]] && set -e
  return 0
}

# stop_pidfile RUN NAME [GRACE_S] : stops the process of RUN/pids/NAME.pid (started with setsid, so
# its whole process group), TERM then KILL after GRACE_S (5) seconds, and removes the pid file.
# Nothing when it is not running.
stop_pidfile() {
  local f="$1/pids/$2.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 $(( ${3:-5} * 10 ))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; }
    printf '[e2e] stopped %s (pid %s)\n' "$2" "$pid" >&2
  fi
  rm -f "$f"
}
