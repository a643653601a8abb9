#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for tests and benchmarks.
#
#   scripts/pg-up.sh [ENV_FILE]
#
# - Installs Debian's `postgresql` if initdb/pg_ctl are missing.
# - Creates a new cluster in a fresh temp dir (mktemp -d), owned by the unprivileged
#   `postgres` user when run as root (PostgreSQL refuses to run as root).
# - Listens on 127.0.0.1 only (no IPv6), on $PGPORT or 54329, or the next free port.
#   Unix socket lives in the temp dir. Trust auth for 127.0.0.1/32 and the private socket.
# - fsync / synchronous_commit / full_page_writes stay ON (tests check durability).
# - Writes KEY=VALUE lines to ENV_FILE (stdout if omitted):
#     PGDATA_DIR, PG_TMPDIR, PG_BINDIR, PG_PORT, PG_LOG, TEST_POSTGRES_URL
#
# Idempotent: if ENV_FILE already describes a running cluster, it is kept as is; a stale
# ENV_FILE (cluster gone) is cleaned up and replaced. Stop with scripts/pg-down.sh ENV_FILE.
set -euo pipefail

ENV_FILE="${1:-}"
if [[ -n "$ENV_FILE" && "$ENV_FILE" != /* ]]; then ENV_FILE="$PWD/$ENV_FILE"; fi
BASE_PORT="${PGPORT:-54329}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "pg-up: $*" >&2; }
die() { echo "pg-up: ERROR: $*" >&2; exit 1; }

env_get() { # env_get FILE KEY
    local line
    line="$(grep -E "^$2=" "$1" 2>/dev/null | tail -n 1 || true)"
    printf '%s' "${line#*=}"
}

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
            printf '%s' "$d"
            return 0
        fi
    done
    return 1
}

port_in_use() { # returns 0 if something accepts connections on 127.0.0.1:$1
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# --- Idempotency: reuse a running cluster described by ENV_FILE ---------------------------
if [[ -n "$ENV_FILE" && -s "$ENV_FILE" ]]; then
    old_data="$(env_get "$ENV_FILE" PGDATA_DIR)"
    old_bin="$(env_get "$ENV_FILE" PG_BINDIR)"
    old_port="$(env_get "$ENV_FILE" PG_PORT)"
    if [[ -n "$old_data" && -d "$old_data" && -x "$old_bin/pg_isready" ]] \
        && "$old_bin/pg_isready" -q -h 127.0.0.1 -p "$old_port" -t 5; then
        log "cluster from $ENV_FILE already running on 127.0.0.1:$old_port; reusing it"
        exit 0
    fi
    log "stale $ENV_FILE found; cleaning it up first"
    bash "$SCRIPT_DIR/pg-down.sh" "$ENV_FILE" || true
fi

# --- Install PostgreSQL if needed ------------------------------------------------------------
if ! BINDIR="$(find_bindir)"; then
    log "PostgreSQL server binaries not found; installing Debian package 'postgresql'"
    SUDO=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null || die "not root and no sudo: install 'postgresql' by hand"
        SUDO="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! $SUDO apt-get install -y -q --no-install-recommends postgresql >&2; then
        $SUDO apt-get update -q >&2
        $SUDO apt-get install -y -q --no-install-recommends postgresql >&2
    fi
    BINDIR="$(find_bindir)" || die "postgresql installed but no initdb/pg_ctl under /usr/lib/postgresql/*/bin"
fi
log "using $BINDIR"

# --- Who runs the server -----------------------------------------------------------------------
RUN=()
PGUSER_OS="$(id -un)"
if [[ "$(id -u)" == 0 ]]; then
    PGUSER_OS=postgres
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    RUN=(runuser -u postgres --)
fi

# --- Create the cluster ------------------------------------------------------------------------
# /tmp rather than $TMPDIR: the postgres user must be able to reach it.
TMP="$(mktemp -d "${PG_TMP_PARENT:-/tmp}/knotwork-pg.XXXXXX")"
touch "$TMP/.knotwork-pg"   # marker so pg-down.sh only ever deletes our own dirs
DATA="$TMP/data"
LOGFILE="$TMP/postgres.log"
chmod 700 "$TMP"
own() { if [[ "$PGUSER_OS" != "$(id -un)" ]]; then chown "$PGUSER_OS": "$@"; fi; }
own "$TMP" "$TMP/.knotwork-pg"
cleanup_on_error() {
    local rc=$?
    if [[ $rc != 0 ]]; then
        [[ -f "$LOGFILE" ]] && { log "server log:"; tail -n 40 "$LOGFILE" >&2 || true; }
        (cd "$TMP" && "${RUN[@]}" "$BINDIR/pg_ctl" -D "$DATA" stop -m immediate -w -t 30 >/dev/null 2>&1) || true
        rm -rf -- "$TMP"
    fi
}
trap cleanup_on_error EXIT

cd "$TMP"   # the server user must be able to read its cwd
"${RUN[@]}" "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log" >&2; die "initdb failed"; }

cat >"$DATA/pg_hba.conf" <<EOF
# Throwaway test cluster: trust on its private socket and on 127.0.0.1 only.
local   all all              trust
host    all all 127.0.0.1/32 trust
EOF

cat >>"$DATA/postgresql.conf" <<EOF

# --- knotwork throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$TMP'
include_if_exists = 'knotwork-port.conf'
# Swift Testing runs the suites in parallel, each test app with up to 10 connections (4 + 1 audit per event loop).
max_connections = 400
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
log_min_messages = warning
EOF
own "$DATA/pg_hba.conf" "$DATA/postgresql.conf"

# --- Start on a free port (retry a few in case of races) ---------------------------------
PORT=""
port="$BASE_PORT"
for _ in $(seq 1 20); do
    if port_in_use "$port"; then
        port=$((port + 1))
        continue
    fi
    echo "port = $port" >"$DATA/knotwork-port.conf"
    own "$DATA/knotwork-port.conf"
    if "${RUN[@]}" "$BINDIR/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t 60 start >/dev/null 2>&1; then
        PORT="$port"
        break
    fi
    log "start on port $port failed; trying the next one"
    tail -n 5 "$LOGFILE" >&2 || true
    "${RUN[@]}" "$BINDIR/pg_ctl" -D "$DATA" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
    port=$((port + 1))
done
[[ -n "$PORT" ]] || die "could not start PostgreSQL on any port from $BASE_PORT"

for _ in $(seq 1 60); do
    "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 && break
    sleep 0.5
done
"$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 5 || die "server started but not ready"

URL="postgres://postgres@127.0.0.1:$PORT/postgres"
OUT="$(cat <<EOF
PGDATA_DIR=$DATA
PG_TMPDIR=$TMP
PG_BINDIR=$BINDIR
PG_PORT=$PORT
PG_LOG=$LOGFILE
TEST_POSTGRES_URL=$URL
EOF
)"
if [[ -n "$ENV_FILE" ]]; then
    printf '%s\n' "$OUT" >"$ENV_FILE"
    log "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') ready at $URL (data $DATA); wrote $ENV_FILE"
else
    printf '%s\n' "$OUT"
    log "PostgreSQL ready at $URL (data $DATA)"
fi
trap - EXIT
