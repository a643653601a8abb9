# Shared helpers for the test/bench shell scripts. Source it; do not run it.
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"     (from scripts/)
#
# Environment it honours:
#   KNOTWORK_BIN         binary to run (default .build/debug/knotwork)
#   KNOTWORK_SKIP_BUILD  1 = never run `swift build` here (scripts/test-all.sh already built)
#   TEST_POSTGRES_URL    superuser URL of a throwaway cluster, for kw_fresh_db postgres
# shellcheck shell=bash

KW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KW_BIN="${KNOTWORK_BIN:-$KW_ROOT/.build/debug/knotwork}"
KW_HEALTH_TIMEOUT="${KNOTWORK_HEALTH_TIMEOUT:-180}"
KW_DEMO_PASSWORD="knotwork-demo-2026"

kw_log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
kw_die() { echo "ERROR: $*" >&2; exit 1; }

kw_banner() {
    local line="=================================================================="
    printf '\n%s\n=== %s\n%s\n' "$line" "$*" "$line"
}

# Build the debug binary (+ tests) unless told not to; fail if the binary is still missing.
kw_ensure_build() {
    if [[ "${KNOTWORK_SKIP_BUILD:-0}" != 1 ]]; then
        kw_log "swift build --build-tests (set KNOTWORK_SKIP_BUILD=1 to skip)"
        (cd "$KW_ROOT" && swift build --build-tests)
    fi
    [[ -x "$KW_BIN" ]] || kw_die "$KW_BIN not found: run 'make build' first"
}

# 0 if something accepts TCP connections on 127.0.0.1:PORT.
kw_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# kw_start_server LOG PORT [VAR=value ...] [-- serve-args...]
# Starts `knotwork serve --hostname 127.0.0.1 --port PORT serve-args...` in the background with
# the given extra environment; its PID is left in KW_SERVER_PID.
kw_start_server() {
    local log="$1" port="$2"
    shift 2
    local envs=()
    while [[ $# -gt 0 && "$1" != -- ]]; do envs+=("$1"); shift; done
    [[ "${1:-}" == -- ]] && shift
    if kw_port_in_use "$port"; then
        kw_die "port $port on 127.0.0.1 is already in use (another server left running?)"
    fi
    kw_log "starting: ${envs[*]} $KW_BIN serve --hostname 127.0.0.1 --port $port $* (log: $log)"
    env "${envs[@]}" "$KW_BIN" serve --hostname 127.0.0.1 --port "$port" "$@" >"$log" 2>&1 </dev/null &
    KW_SERVER_PID=$!
}

# kw_wait_healthy BASE_URL PID LOG [TIMEOUT_SECONDS]: waits for GET /healthz == 200.
kw_wait_healthy() {
    local url="$1" pid="$2" log="$3" timeout="${4:-$KW_HEALTH_TIMEOUT}"
    local deadline=$((SECONDS + timeout)) code
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "--- server (pid $pid) exited before becoming healthy; last log lines:" >&2
            tail -n 60 "$log" >&2 || true
            return 1
        fi
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url/healthz" || true)"
        if [[ "$code" == 200 ]]; then
            kw_log "$url is healthy (pid $pid)"
            return 0
        fi
        sleep 0.5
    done
    echo "--- $url/healthz not 200 after ${timeout}s (last: ${code:-none}); last log lines:" >&2
    tail -n 60 "$log" >&2 || true
    return 1
}

# kw_stop_pid PID: SIGTERM, wait up to 15 s, then SIGKILL. Only ever called with PIDs we started.
kw_stop_pid() {
    local pid="$1"
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        kw_log "pid $pid ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# kw_fresh_db KIND DIR NAME: prints a DATABASE_URL for a new, empty database.
#   sqlite:   DIR/NAME.sqlite
#   postgres: CREATE DATABASE in $TEST_POSTGRES_URL's cluster (dropped with the cluster).
kw_fresh_db() {
    local kind="$1" dir="$2" name="$3"
    case "$kind" in
        sqlite)
            printf '%s' "$dir/$name.sqlite"
            ;;
        postgres | postgresql)
            [[ -n "${TEST_POSTGRES_URL:-}" ]] || kw_die "TEST_POSTGRES_URL is not set (run scripts/pg-up.sh)"
            local db="kw_${name//[^a-zA-Z0-9_]/_}_$$_${RANDOM}"
            psql -X -q -v ON_ERROR_STOP=1 "$TEST_POSTGRES_URL" -c "CREATE DATABASE \"$db\"" >&2
            printf '%s' "${TEST_POSTGRES_URL%/*}/$db"
            ;;
        *) kw_die "unknown database kind '$kind' (sqlite|postgres)" ;;
    esac
}

# kw_create_token DATABASE_URL USERNAME NAME: prints the personal access token (kw_...).
kw_create_token() {
    local db="$1" user="$2" name="$3" out token
    if ! out="$(DATABASE_URL="$db" "$KW_BIN" token create --username "$user" --name "$name" 2>&1 </dev/null)"; then
        echo "$out" >&2
        kw_die "knotwork token create failed"
    fi
    token="$(printf '%s\n' "$out" | grep -E '^kw_[^[:space:]]+$' | tail -n 1 || true)"
    [[ -n "$token" ]] || token="$(printf '%s\n' "$out" | grep -Eo 'kw_[A-Za-z0-9._~+/=-]+' | tail -n 1 || true)"
    if [[ -z "$token" ]]; then
        echo "$out" >&2
        kw_die "no kw_... token in the output of 'knotwork token create'"
    fi
    printf '%s' "$token"
}
