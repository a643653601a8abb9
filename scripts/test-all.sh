#!/usr/bin/env bash
# Everything `make test` (and so CI) runs, in order:
#   deps -> build -> PostgreSQL up -> swift test (SQLite) -> swift test (PostgreSQL)
#   -> two instances on one PostgreSQL -> browser tests (SQLite) -> API fuzz (SQLite) -> API fuzz (PostgreSQL)
# A failing stage does not stop the later ones (so one run shows every problem), but any
# failure makes this script exit non-zero. A failing deps/build/PostgreSQL stage stops the run.
# The PostgreSQL cluster is always torn down (trap), also on failure or Ctrl-C.
#
# Environment: SKIP_DEPS=1 skips the deps stage; SKIP_FUZZ_POSTGRES=1 skips the second fuzz run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$KW_ROOT"

ENV_FILE="$KW_ROOT/.test-env"
START=$SECONDS
RESULTS=()
FAILED=0
NPASS=0
NFAIL=0

cleanup() {
    local rc=$?
    echo "--- cleanup: stopping PostgreSQL" >&2
    bash "$KW_ROOT/scripts/pg-down.sh" "$ENV_FILE" 2>&1 || true
    if [[ $rc == 0 ]]; then echo "make test: all stages passed"; else echo "make test: FAILED (exit $rc)"; fi
    summary   # last lines of the run: per-stage results and "stages: N passed, M failed"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_stage NAME FATAL(0|1) command...
run_stage() {
    local name="$1" fatal="$2"
    shift 2
    kw_banner "STAGE: $name"
    local t0=$SECONDS rc=0
    "$@" || rc=$?
    local dt=$((SECONDS - t0))
    if [[ $rc == 0 ]]; then
        RESULTS+=("PASS  ${dt}s  $name")
        NPASS=$((NPASS + 1))
        kw_log "stage '$name' passed in ${dt}s"
    else
        RESULTS+=("FAIL  ${dt}s  $name (exit $rc)")
        FAILED=1
        NFAIL=$((NFAIL + 1))
        kw_log "stage '$name' FAILED (exit $rc) after ${dt}s"
        if [[ $fatal == 1 ]]; then
            exit "$rc"
        fi
    fi
}

summary() {
    [[ ${#RESULTS[@]} -gt 0 ]] || return 0
    kw_banner "SUMMARY ($((SECONDS - START))s total)"
    printf '%s\n' "${RESULTS[@]}"
    echo "stages: $NPASS passed, $NFAIL failed"
}

swift_test_sqlite() { TEST_DATABASE=sqlite swift test --skip-build; }
swift_test_postgres() {
    TEST_DATABASE=postgres TEST_POSTGRES_URL="$TEST_POSTGRES_URL" swift test --skip-build
}
fuzz_postgres() { KNOTWORK_TEST_DB=postgres KNOTWORK_FUZZ_PORT=8192 bash tests/api/run-schemathesis.sh; }

if [[ "${SKIP_DEPS:-0}" != 1 ]]; then
    run_stage "deps (apt + pip)" 1 bash scripts/deps.sh
fi
run_stage "build (swift build --build-tests)" 1 swift build --build-tests
run_stage "start PostgreSQL (scripts/pg-up.sh)" 1 bash scripts/pg-up.sh "$ENV_FILE"
TEST_POSTGRES_URL="$(grep -E '^TEST_POSTGRES_URL=' "$ENV_FILE" | cut -d= -f2-)"
export TEST_POSTGRES_URL
export KNOTWORK_SKIP_BUILD=1

run_stage "swift test (TEST_DATABASE=sqlite)" 0 swift_test_sqlite
run_stage "swift test (TEST_DATABASE=postgres)" 0 swift_test_postgres
run_stage "two instances on one PostgreSQL" 0 python3 -m pytest -q tests/multi
run_stage "browser tests (SQLite)" 0 bash scripts/test-browser.sh
run_stage "API fuzz: schemathesis (SQLite)" 0 bash tests/api/run-schemathesis.sh
if [[ "${SKIP_FUZZ_POSTGRES:-0}" != 1 ]]; then
    run_stage "API fuzz: schemathesis (PostgreSQL)" 0 fuzz_postgres
fi

# The EXIT trap stops PostgreSQL and prints the summary.
[[ $FAILED == 0 ]] || exit 1
exit 0
