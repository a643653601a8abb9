#!/usr/bin/env bash
# Stop and delete a throwaway PostgreSQL cluster started by scripts/pg-up.sh.
#
#   scripts/pg-down.sh ENV_FILE
#
# Idempotent: a missing ENV_FILE, an already stopped cluster or an already deleted temp dir
# are not errors. Only deletes directories that pg-up.sh created (marker file .knotwork-pg).
set -uo pipefail

ENV_FILE="${1:-}"
log() { echo "pg-down: $*" >&2; }

if [[ -z "$ENV_FILE" ]]; then
    echo "usage: $0 ENV_FILE" >&2
    exit 2
fi
if [[ ! -f "$ENV_FILE" ]]; then
    log "$ENV_FILE not found; nothing to stop"
    exit 0
fi

env_get() {
    local line
    line="$(grep -E "^$1=" "$ENV_FILE" 2>/dev/null | tail -n 1 || true)"
    printf '%s' "${line#*=}"
}
DATA="$(env_get PGDATA_DIR)"
TMP="$(env_get PG_TMPDIR)"
BINDIR="$(env_get PG_BINDIR)"
[[ -z "$TMP" && -n "$DATA" ]] && TMP="$(dirname "$DATA")"

if [[ -n "$DATA" && -f "$DATA/postmaster.pid" ]]; then
    RUN=()
    if [[ "$(id -u)" == 0 ]]; then
        owner="$(stat -c %U "$DATA" 2>/dev/null || echo root)"
        [[ "$owner" != root ]] && RUN=(runuser -u "$owner" --)
    fi
    pid="$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)"
    stopped=false
    if [[ -x "$BINDIR/pg_ctl" ]]; then
        if (cd "$TMP" 2>/dev/null || cd /; "${RUN[@]}" "$BINDIR/pg_ctl" -D "$DATA" stop -m fast -w -t 60 >/dev/null 2>&1); then
            stopped=true
        fi
    fi
    if ! $stopped && [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        # Make sure it is really our postmaster before signalling it.
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DATA"; then
            log "pg_ctl stop failed; sending SIGQUIT then SIGKILL to postmaster $pid"
            kill -QUIT "$pid" 2>/dev/null || true
            for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    log "stopped cluster $DATA"
else
    log "cluster ${DATA:-?} not running"
fi

if [[ -n "$TMP" && -d "$TMP" ]]; then
    if [[ -f "$TMP/.knotwork-pg" ]]; then
        rm -rf -- "$TMP"
        log "deleted $TMP"
    else
        log "refusing to delete $TMP: not created by pg-up.sh (no .knotwork-pg marker)"
    fi
fi
rm -f -- "$ENV_FILE"
exit 0
