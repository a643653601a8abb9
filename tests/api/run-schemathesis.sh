#!/usr/bin/env bash
# API fuzzing with schemathesis against a fresh demo server, authenticated as ana.lmt.
#
#   tests/api/run-schemathesis.sh [extra schemathesis args...]
#
# Environment:
#   KNOTWORK_TEST_DB      sqlite (default) | postgres (needs TEST_POSTGRES_URL, see scripts/pg-up.sh)
#   KNOTWORK_FUZZ_PORT    server port (default 8191)
#   FUZZ_MAX_EXAMPLES     test cases per operation (default 30)
#   FUZZ_SEED             hypothesis seed (default fixed, so CI runs are reproducible)
#   FUZZ_TIMEOUT          hard wall-clock cap in seconds for the schemathesis run (default 420)
#   FUZZ_WORKERS          concurrent schemathesis workers (default 1: with 2, CPython 3.11.7 sometimes aborts
#                         test generation with "SystemError: AST constructor recursion depth mismatch",
#                         a thread-safety bug in ast.parse (python/cpython#106905) hit by hypothesis)
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts" && pwd)/lib.sh"
cd "$KW_ROOT"

BACKEND="${KNOTWORK_TEST_DB:-sqlite}"
PORT="${KNOTWORK_FUZZ_PORT:-8191}"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-30}"
SEED="${FUZZ_SEED:-20260}"
TIMEOUT="${FUZZ_TIMEOUT:-420}"
WORKERS="${FUZZ_WORKERS:-1}"

kw_ensure_build

TMP="$(mktemp -d /tmp/knotwork-fuzz.XXXXXX)"
PID=""
cleanup() {
    local rc=$?
    kw_stop_pid "$PID"
    if [[ $rc != 0 && -f "$TMP/server.log" ]]; then
        echo "--- last lines of the server log:" >&2
        tail -n 60 "$TMP/server.log" >&2 || true
    fi
    rm -rf -- "$TMP"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB="$(kw_fresh_db "$BACKEND" "$TMP" fuzz)"
kw_start_server "$TMP/server.log" "$PORT" "DATABASE_URL=$DB" -- --demo
PID=$KW_SERVER_PID
BASE="http://127.0.0.1:$PORT"
kw_wait_healthy "$BASE" "$PID" "$TMP/server.log"

# The demo clinic is seeded once the server answers /healthz, so ana.lmt exists now.
TOKEN="$(kw_create_token "$DB" ana.lmt fuzz)"
kw_log "created an API token for ana.lmt (${#TOKEN} chars)"

COLOR=()
[[ -t 1 ]] || COLOR=(--no-color)

kw_log "schemathesis against $BASE/api/v1/openapi.json ($BACKEND, max-examples=$MAX_EXAMPLES, seed=$SEED)"
# schemathesis keeps a crash cache in ./.schemathesis: keep it out of the work tree (.build/ is
# ignored by git) but across local runs, so known crashes are retried first.
WORKDIR="$KW_ROOT/.build/schemathesis"
mkdir -p "$WORKDIR"
cd "$WORKDIR"
set +e
timeout --signal=INT --kill-after=30 "$TIMEOUT" \
    python3 -m schemathesis.cli run "$BASE/api/v1/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    --header "Authorization: Bearer $TOKEN" \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --workers "$WORKERS" \
    --request-timeout 20 \
    --wait-for-schema 30 \
    --generation-database none \
    --output-sanitize true \
    "${COLOR[@]}" \
    "$@"
rc=$?
set -e
case $rc in
    0) kw_log "schemathesis: no failures" ;;
    124) echo "ERROR: schemathesis did not finish within ${TIMEOUT}s" >&2 ;;
    *) echo "ERROR: schemathesis reported failures (exit $rc)" >&2 ;;
esac
exit $rc
