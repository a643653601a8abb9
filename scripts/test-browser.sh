#!/usr/bin/env bash
# Browser tests (Selenium + headless Chromium + axe) against two fresh demo servers:
#   KNOTWORK_URL             http://127.0.0.1:8181  (normal settings)
#   KNOTWORK_SHORT_IDLE_URL  http://127.0.0.1:8182  (KNOTWORK_SESSION_IDLE_MINUTES=1)
# Each server has its own fresh database (SQLite by default; KNOTWORK_TEST_DB=postgres with
# TEST_POSTGRES_URL set uses new databases in that cluster). Extra args go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$KW_ROOT"

BACKEND="${KNOTWORK_TEST_DB:-sqlite}"
PORT="${KNOTWORK_BROWSER_PORT:-8181}"
SHORT_PORT="${KNOTWORK_BROWSER_SHORT_IDLE_PORT:-8182}"

kw_ensure_build

TMP="$(mktemp -d /tmp/knotwork-browser.XXXXXX)"
MAIN_PID=""
SHORT_PID=""
cleanup() {
    local rc=$?
    kw_stop_pid "$MAIN_PID"
    kw_stop_pid "$SHORT_PID"
    if [[ $rc != 0 ]]; then
        for f in "$TMP"/*.log; do
            [[ -f "$f" ]] || continue
            echo "--- last lines of $(basename "$f"):" >&2
            tail -n 40 "$f" >&2 || true
        done
    fi
    rm -rf -- "$TMP"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

MAIN_DB="$(kw_fresh_db "$BACKEND" "$TMP" browser)"
SHORT_DB="$(kw_fresh_db "$BACKEND" "$TMP" browser_short_idle)"

kw_start_server "$TMP/server-main.log" "$PORT" "DATABASE_URL=$MAIN_DB" -- --demo
MAIN_PID=$KW_SERVER_PID
kw_start_server "$TMP/server-short-idle.log" "$SHORT_PORT" \
    "DATABASE_URL=$SHORT_DB" "KNOTWORK_SESSION_IDLE_MINUTES=1" -- --demo
SHORT_PID=$KW_SERVER_PID

export KNOTWORK_URL="http://127.0.0.1:$PORT"
export KNOTWORK_SHORT_IDLE_URL="http://127.0.0.1:$SHORT_PORT"
kw_wait_healthy "$KNOTWORK_URL" "$MAIN_PID" "$TMP/server-main.log"
kw_wait_healthy "$KNOTWORK_SHORT_IDLE_URL" "$SHORT_PID" "$TMP/server-short-idle.log"

# Everything the tests may want to know; the browser tests read what they need.
export KNOTWORK_DATABASE_URL="$MAIN_DB"
export KNOTWORK_SHORT_IDLE_DATABASE_URL="$SHORT_DB"
export KNOTWORK_BIN="$KW_BIN"
export KNOTWORK_DEMO_PASSWORD="$KW_DEMO_PASSWORD"
export CHROME_BIN="${CHROME_BIN:-$(command -v chromium || true)}"
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || true)}"
export SE_OFFLINE=true            # Selenium Manager must not try to download drivers/browsers
export SE_AVOID_STATS=true
export PYTHONDONTWRITEBYTECODE=1

kw_log "pytest -q tests/browser ($BACKEND; $KNOTWORK_URL, $KNOTWORK_SHORT_IDLE_URL)"
set +e
python3 -m pytest -q -p no:cacheprovider tests/browser "$@"
rc=$?
set -e
if [[ $rc == 5 ]]; then
    echo "ERROR: pytest collected no browser tests in tests/browser" >&2
fi
exit $rc
