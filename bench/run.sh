#!/usr/bin/env bash
# HTTP benchmarks of the release build, on SQLite and then PostgreSQL.
#
#   bench/run.sh            (or: make bench)
#
# For each backend: fresh database, `knotwork seed --patients N`, `knotwork seed --history RECORD`
# (issue 3: three years of history for one of ana.lmt's patients: 30 assessments, 150 pain maps,
# 500 trigger-point findings, 1,000 measure results, 120 range-of-motion results), `knotwork seed
# --episode EPISODE` (issue 4: two years of weekly sessions for another of ana.lmt's patients: a
# plan with 5 goals, 100 signed notes, 10 measure results each, so 500 points on the goals),
# `knotwork serve`, a token for ana.lmt, then wrk (2 threads, each connection count, fixed
# duration) against:
#   healthz      GET /healthz                         (baseline, no auth)
#   search       GET /api/v1/patients?q=PREFIX        (authenticated name-prefix search)
#   json         GET /api/v1/patients/{id}            (audited JSON read)
#   html         GET /patients/{id}                   (audited HTML page, bearer token)
#   me           GET /api/v1/me                       (unaudited read of similar size)
#   assess-html  GET /patients/{id}/assessments/{aid}         (the chart's assessment page)
#   assess-json  GET /api/v1/patients/{id}/assessments/{aid}  (the assessment's JSON record)
#   chart        GET /patients/{id}/chart              (issue 4: the chart page of EPISODE)
#   progress     GET /api/v1/patients/{id}/plans/{planID}/progress  (EPISODE's plan: the goals evaluated
#                over its 500 measure results: the JSON chart read of issue 4)
#   worklist     GET /tasks as wendy.lmt (issue 11: `knotwork seed --worklist`: a therapist with 300 patients,
#                50 open tasks and 20 progress reports due; goal: p99 at most BENCH_GOAL_WORKLIST_P99_MS [25] on
#                SQLite at 2 connections)
#   day          GET /api/v1/schedule?clinician=all&day=D as fran.desk (issue 13: `knotwork seed --book`: 20 licensed
#                clinicians with two years of visits, about 100,000; D a weekday a week back, 200 visits)
#   day-html     GET /schedule?clinician=all&day=D as fran.desk (the same day as the page)
#   week         GET /api/v1/schedule?clinician=all&day=D&view=week as fran.desk (D's week: 1,000 visits)
#                goal: p99 at most BENCH_GOAL_DAY_P99_MS [20] for the three on SQLite at 2 connections
# Then booking series (issue 13): bench/series.py posts BENCH_SERIES [240] 24-visit series (twice a week for 12
# weeks, each occurrence checked for the license, the clinician's other visits and the referral counters) from 2
# connections, each for another book clinician, hour and weekdays so that all 24 are booked; goal: p99 at most
# BENCH_GOAL_SERIES_P99_MS [50] on SQLite.
# The assess-* endpoints read RECORD's newest assessment, which is compared with the baseline and
# the previous one: they measure a chart read against a long history (issue 3's goal: p99 at most
# 30 ms on SQLite at 2 connections).
# Then signing (issue 4's goal: at least 300 durable signed notes per second on SQLite and on
# PostgreSQL, with 4 concurrent clients): bench/sign.py creates BENCH_SIGN_NOTES drafts for
# BENCH_SIGN_PATIENT (a patient of ana.lmt with no active precaution; not timed), then signs each
# exactly once, POST /api/v1/patients/{id}/notes/{noteID}/sign with body {}, from
# BENCH_SIGN_CONNECTIONS keep-alive connections (a Python client: wrk cannot hand out each id once
# and stop), and reports signed notes/s, p50, p99 and errors; any 409 means a note was signed
# twice. Durable: the server runs SQLite in WAL mode with synchronous=FULL and PostgreSQL with
# fsync on, and answers 200 after the commit. The signed notes are then counted in the database
# (session_notes.signed_at, and note.sign rows of the audit trail): both must equal the 200s.
# /healthz is measured with wrk at BENCH_SIGN_CONNECTIONS too, for the ratios; sign.py also prints
# its own /healthz rate, the ceiling of the Python client.
# It prints requests/s, p50, p99, their ratios to /healthz, load average before/after, the
# server's peak RSS (VmHWM) and the data size (patients, database bytes, the history's rows by
# kind), then a summary table and the goal lines. Afterwards, unless BENCH_QUERY_CHECK=0, it
# restarts the server with KNOTWORK_LOG_LEVEL=debug and counts the SQL statements logged for one
# assess-* and one progress request on the demo patient KW-000001 (3 assessments, a few measures)
# and on RECORD (30 assessments, 1,000 measures): the counts must not differ, i.e. no query count
# grows with the patient's history (bench/queries.py).
#
# Environment (defaults in brackets):
#   BENCH_PATIENTS [100000]  BENCH_BACKENDS ["sqlite postgres"]  BENCH_CONNECTIONS ["2 8"]
#   BENCH_DURATION [10s]     BENCH_PORT [8281]   BENCH_PREFIXES [auto: tried from a list]
#   BENCH_SKIP_BUILD [0]     BENCH_LOG_LEVEL [server default]
#   BENCH_HISTORY [KW-000002: a patient of ana.lmt]   BENCH_QUERY_CHECK [1]   BENCH_GOAL_P99_MS [30]
#   BENCH_SIGN_NOTES [3000, 0 = no signing]   BENCH_SIGN_CONNECTIONS [4]
#   BENCH_SIGN_PATIENT [KW-000003: a patient of ana.lmt]   BENCH_GOAL_SIGN_RPS [300]
#   BENCH_EPISODE [KW-000005: a patient of ana.lmt]   BENCH_GOAL_CHART_P99_MS [25]
#   BENCH_SIGN_DEADLINE [300: seconds of signing after which no further note is sent]
# Traffic goes to 127.0.0.1 only; every wrk run is bounded by BENCH_DURATION, signing by the
# number of notes and BENCH_SIGN_DEADLINE.
# Note: the clients and the server share the machine's cores, so absolute numbers understate the
# server; compare ratios and backends within one run.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$BENCH_DIR/../scripts/lib.sh"
cd "$KW_ROOT"

PATIENTS="${BENCH_PATIENTS:-100000}"
BACKENDS="${BENCH_BACKENDS:-sqlite postgres}"
CONNECTIONS="${BENCH_CONNECTIONS:-2 8}"
DURATION="${BENCH_DURATION:-10s}"
PORT="${BENCH_PORT:-8281}"
THREADS=2
ENDPOINTS=(healthz search json html me assess-html assess-json chart progress worklist day day-html week)
GOAL_DAY_P99_MS="${BENCH_GOAL_DAY_P99_MS:-20}"
GOAL_SERIES_P99_MS="${BENCH_GOAL_SERIES_P99_MS:-50}"
SERIES_N="${BENCH_SERIES:-240}"
# A weekday a week back (the seeded book has ten visits a weekday for each of its 20 clinicians).
BOOK_DAY="$(python3 -c 'import datetime as d; t = d.date.today() - d.timedelta(days=7); print(t - d.timedelta(days=max(0, t.weekday() - 4)))')"
GOAL_WORKLIST_P99_MS="${BENCH_GOAL_WORKLIST_P99_MS:-25}"
HISTORY="${BENCH_HISTORY:-KW-000002}"
EPISODE="${BENCH_EPISODE:-KW-000005}"   # issue 4: 2 years, plan with 5 goals, 100 signed notes x 10 measures
GOAL_CHART_P99_MS="${BENCH_GOAL_CHART_P99_MS:-25}"
GOAL_P99_MS="${BENCH_GOAL_P99_MS:-30}"
SMALL_HISTORY=KW-000001   # the demo patient with three assessments (DemoClinic.seedIfEmpty)
SIGN_NOTES="${BENCH_SIGN_NOTES:-3000}"
SIGN_CONNECTIONS="${BENCH_SIGN_CONNECTIONS:-4}"
SIGN_PATIENT="${BENCH_SIGN_PATIENT:-KW-000003}"
GOAL_SIGN_RPS="${BENCH_GOAL_SIGN_RPS:-300}"
SIGN_DEADLINE="${BENCH_SIGN_DEADLINE:-300}"
[[ "$HISTORY" =~ ^[A-Za-z0-9-]+$ ]] || kw_die "BENCH_HISTORY must be a record number (e.g. KW-000002)"
[[ "$SIGN_PATIENT" =~ ^[A-Za-z0-9-]+$ ]] || kw_die "BENCH_SIGN_PATIENT must be a record number (e.g. KW-000003)"
[[ "$SIGN_NOTES" =~ ^[0-9]+$ && "$SIGN_CONNECTIONS" =~ ^[1-9][0-9]*$ && "$SIGN_DEADLINE" =~ ^[1-9][0-9]*$ ]] \
    || kw_die "BENCH_SIGN_NOTES, BENCH_SIGN_CONNECTIONS and BENCH_SIGN_DEADLINE must be numbers"
[[ "$SIGN_PATIENT" != "$HISTORY" ]] || kw_die "BENCH_SIGN_PATIENT must not be BENCH_HISTORY (its notes would change the reads)"
KW_BIN="${KNOTWORK_BIN:-$KW_ROOT/.build/release/knotwork}"

command -v wrk >/dev/null || bash "$KW_ROOT/scripts/deps.sh"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    kw_banner "swift build -c release"
    swift build -c release
fi
[[ -x "$KW_BIN" ]] || kw_die "$KW_BIN not found (swift build -c release)"

RESULTS="$(mktemp /tmp/knotwork-bench-results.XXXXXX)"
INFO="$(mktemp /tmp/knotwork-bench-info.XXXXXX)"
SIGNINFO="$(mktemp /tmp/knotwork-bench-sign.XXXXXX)"
TMP=""
SERVER_PID=""
cleanup_backend() {
    kw_stop_pid "$SERVER_PID"
    SERVER_PID=""
    if [[ -n "$TMP" ]]; then
        [[ -f "$TMP/pg.env" ]] && bash "$KW_ROOT/scripts/pg-down.sh" "$TMP/pg.env"
        rm -rf -- "$TMP"
        TMP=""
    fi
}
cleanup() {
    local rc=$?
    if [[ $rc != 0 && -n "$TMP" && -f "$TMP/server.log" ]]; then
        echo "--- last lines of the server log:" >&2
        tail -n 40 "$TMP/server.log" >&2 || true
    fi
    cleanup_backend
    rm -f -- "$RESULTS" "$INFO" "$SIGNINFO"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "bench/run.sh: command failed at line $LINENO" >&2' ERR

human_bytes() { numfmt --to=iec-i --suffix=B "$1" 2>/dev/null || echo "${1}B"; }

# run_wrk BACKEND ENDPOINT CONNS DURATION [record:0|1]
run_wrk() {
    local backend="$1" ep="$2" conns="$3" dur="$4" record="${5:-1}"
    local url paths="" auth=(-H "Authorization: Bearer $TOKEN")
    case "$ep" in
        healthz) url="$BASE/healthz"; auth=() ;;
        search) paths="$TMP/paths-search.txt" ;;
        json) paths="$TMP/paths-json.txt" ;;
        html) paths="$TMP/paths-html.txt" ;;
        me) url="$BASE/api/v1/me" ;;
        assess-html) paths="$TMP/paths-assess-html.txt" ;;
        assess-json) paths="$TMP/paths-assess-json.txt" ;;
        chart) paths="$TMP/paths-chart.txt" ;;
        progress) paths="$TMP/paths-progress.txt" ;;
        worklist) url="$BASE/tasks"; auth=(-H "Authorization: Bearer $WORKLIST_TOKEN") ;;
        day) url="$BASE/api/v1/schedule?clinician=all&day=$BOOK_DAY"; auth=(-H "Authorization: Bearer $DESK_TOKEN") ;;
        day-html) url="$BASE/schedule?clinician=all&day=$BOOK_DAY"; auth=(-H "Authorization: Bearer $DESK_TOKEN") ;;
        week) url="$BASE/api/v1/schedule?clinician=all&day=$BOOK_DAY&view=week"; auth=(-H "Authorization: Bearer $DESK_TOKEN") ;;
    esac
    [[ -n "$paths" ]] && url="$BASE$(head -n 1 "$paths")"
    local out line
    out="$(wrk -t"$THREADS" -c"$conns" -d"$dur" --timeout 10s "${auth[@]}" \
        -s "$BENCH_DIR/report.lua" "$url" -- "$paths" 2>&1)" || { echo "$out" >&2; return 1; }
    line="$(grep '^KWRESULT ' <<<"$out" | tail -n 1)"
    [[ -n "$line" ]] || { echo "$out" >&2; kw_die "wrk printed no KWRESULT line"; }
    ((record)) || return 0
    record_result "$backend" "$ep" "$conns" "$line"
}

# record_result BACKEND ENDPOINT CONNS "KWRESULT key=value...": prints the row and keeps it for the summary.
record_result() {
    local backend="$1" ep="$2" conns="$3" line="$4"
    # key=value pairs -> variables
    local requests rps p50_ms p90_ms p99_ms max_ms bytes_per_req errors non2xx3xx
    eval "$(sed 's/^KWRESULT //' <<<"$line" | tr ' ' '\n' | grep -E '^[a-z0-9_]+=[0-9.]+$' | sed 's/^/local /')"
    printf '%-8s %-11s c=%-2s %9s req/s  p50 %8s ms  p99 %8s ms  %6s B/resp  errors %s  non-2xx/3xx %s\n' \
        "$backend" "$ep" "$conns" "$rps" "$p50_ms" "$p99_ms" "$bytes_per_req" "$errors" "$non2xx3xx"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$ep" "$conns" "$rps" "$p50_ms" "$p99_ms" \
        "$errors" "$non2xx3xx" >>"$RESULTS"
}

bench_backend() {
    local backend="$1"
    kw_banner "BENCH $backend: $PATIENTS patients"
    TMP="$(mktemp -d /tmp/knotwork-bench.XXXXXX)"
    local db
    if [[ "$backend" == postgres ]]; then
        bash "$KW_ROOT/scripts/pg-up.sh" "$TMP/pg.env"
        TEST_POSTGRES_URL="$(grep -E '^TEST_POSTGRES_URL=' "$TMP/pg.env" | cut -d= -f2-)"
        export TEST_POSTGRES_URL
    fi
    db="$(kw_fresh_db "$backend" "$TMP" bench)"
    local envs=("DATABASE_URL=$db")
    [[ -n "${BENCH_LOG_LEVEL:-}" ]] && envs+=("KNOTWORK_LOG_LEVEL=$BENCH_LOG_LEVEL")

    kw_log "seeding: knotwork seed --patients $PATIENTS"
    local t0=$SECONDS
    if ! env "${envs[@]}" "$KW_BIN" seed --patients "$PATIENTS" >"$TMP/seed.log" 2>&1 </dev/null; then
        tail -n 40 "$TMP/seed.log" >&2
        kw_die "seed failed"
    fi
    local seed_s=$((SECONDS - t0))

    kw_log "seeding: knotwork seed --history $HISTORY"
    t0=$SECONDS
    if ! env "${envs[@]}" "$KW_BIN" seed --history "$HISTORY" >"$TMP/seed-history.log" 2>&1 </dev/null; then
        tail -n 40 "$TMP/seed-history.log" >&2
        kw_die "seed --history $HISTORY failed"
    fi
    local history_s=$((SECONDS - t0))

    kw_log "seeding: knotwork seed --episode $EPISODE"
    t0=$SECONDS
    if ! env "${envs[@]}" "$KW_BIN" seed --episode "$EPISODE" >"$TMP/seed-episode.log" 2>&1 </dev/null; then
        tail -n 40 "$TMP/seed-episode.log" >&2
        kw_die "seed --episode $EPISODE failed"
    fi
    echo "data: $EPISODE's episode (plan with 5 goals, 100 signed weekly notes, 10 measures each) seeded in $((SECONDS - t0))s"
    kw_log "seeding: knotwork seed --worklist"
    t0=$SECONDS
    if ! env "${envs[@]}" "$KW_BIN" seed --worklist >"$TMP/seed-worklist.log" 2>&1 </dev/null; then
        tail -n 40 "$TMP/seed-worklist.log" >&2
        kw_die "seed --worklist failed"
    fi
    echo "data: wendy.lmt's worklist (300 patients, 50 open tasks, 20 progress reports due) seeded in $((SECONDS - t0))s"
    kw_log "seeding: knotwork seed --book"
    t0=$SECONDS
    if ! env "${envs[@]}" "$KW_BIN" seed --book >"$TMP/seed-book.log" 2>&1 </dev/null; then
        tail -n 40 "$TMP/seed-book.log" >&2
        kw_die "seed --book failed"
    fi
    echo "data: the appointment book: $(tail -n 1 "$TMP/seed-book.log") in $((SECONDS - t0))s;" \
        "appointments in all: $(db_sql "$backend" "$db" "SELECT COUNT(*) FROM appointments" || echo '?'); the day measured: $BOOK_DAY"

    local size
    if [[ "$backend" == sqlite ]]; then
        size="$( (du -cb "$db" "$db-wal" "$db-shm" 2>/dev/null || true) | tail -n 1 | cut -f1)"
    else
        size="$(psql -X -At "$db" -c 'select pg_database_size(current_database())')"
    fi
    echo "data: $PATIENTS patients seeded in ${seed_s}s; database size $(human_bytes "$size") ($size bytes)"
    history_sizes "$backend" "$db" "$history_s"

    echo "load before: $(uptime)"
    kw_start_server "$TMP/server.log" "$PORT" "${envs[@]}"
    SERVER_PID=$KW_SERVER_PID
    BASE="http://127.0.0.1:$PORT"
    kw_wait_healthy "$BASE" "$SERVER_PID" "$TMP/server.log" 600
    TOKEN="$(kw_create_token "$db" ana.lmt "bench-$backend")"
    WORKLIST_TOKEN="$(kw_create_token "$db" wendy.lmt "bench-worklist-$backend")"
    DESK_TOKEN="$(kw_create_token "$db" fran.desk "bench-desk-$backend")"

    # shellcheck disable=SC2086
    python3 "$BENCH_DIR/discover.py" "$BASE" "$TOKEN" "$TMP" ${BENCH_PREFIXES:-}
    echo "search prefixes: $(sed 's/.*q=//' "$TMP/paths-search.txt" | paste -sd' ')"
    echo "patient ids: $(wc -l <"$TMP/paths-json.txt") readable by ana.lmt"
    local pid aid count newest oldest
    read -r pid aid count newest oldest < <(python3 "$BENCH_DIR/discover.py" --assessment "$HISTORY" "$BASE" "$TOKEN") \
        || kw_die "no assessment found for $HISTORY"
    echo "/patients/$pid/assessments/$aid" >"$TMP/paths-assess-html.txt"
    echo "/api/v1/patients/$pid/assessments/$aid" >"$TMP/paths-assess-json.txt"
    echo "history: $HISTORY has $count assessments ($oldest .. $newest); assess-* read the newest, $aid"
    local plan goals points start
    read -r pid plan goals points start < <(python3 "$BENCH_DIR/discover.py" --plan "$EPISODE" "$BASE" "$TOKEN") \
        || kw_die "no plan of care for $EPISODE"
    echo "/api/v1/patients/$pid/plans/$plan/progress" >"$TMP/paths-progress.txt"
    echo "/patients/$pid/chart" >"$TMP/paths-chart.txt"
    echo "episode: chart and progress read plan $plan of $EPISODE (from $start): $goals goals evaluated on $points measure results"

    # Each endpoint must answer 200 before it is measured.
    local ep path code
    for ep in "${ENDPOINTS[@]}"; do
        case "$ep" in
            healthz) path=/healthz ;;
            search) path="$(head -n 1 "$TMP/paths-search.txt")" ;;
            json) path="$(head -n 1 "$TMP/paths-json.txt")" ;;
            html) path="$(head -n 1 "$TMP/paths-html.txt")" ;;
            me) path=/api/v1/me ;;
            assess-html) path="$(head -n 1 "$TMP/paths-assess-html.txt")" ;;
            assess-json) path="$(head -n 1 "$TMP/paths-assess-json.txt")" ;;
            chart) path="$(head -n 1 "$TMP/paths-chart.txt")" ;;
            progress) path="$(head -n 1 "$TMP/paths-progress.txt")" ;;
            worklist) path=/tasks ;;
            day) path="/api/v1/schedule?clinician=all&day=$BOOK_DAY" ;;
            day-html) path="/schedule?clinician=all&day=$BOOK_DAY" ;;
            week) path="/api/v1/schedule?clinician=all&day=$BOOK_DAY&view=week" ;;
        esac
        local token="$TOKEN"
        [[ "$ep" == worklist ]] && token="$WORKLIST_TOKEN"
        [[ "$ep" == day || "$ep" == day-html || "$ep" == week ]] && token="$DESK_TOKEN"
        code="$(curl -s -o "$TMP/check.out" -w '%{http_code}' --max-time 30 \
            -H "Authorization: Bearer $token" "$BASE$path" || true)"
        echo "check: GET $path -> $code ($(wc -c <"$TMP/check.out") bytes)"
        [[ "$code" == 200 ]] || kw_log "WARNING: $path answered $code; its numbers will count errors"
    done

    kw_log "warm-up (2s per endpoint, not recorded)"
    for ep in "${ENDPOINTS[@]}"; do run_wrk "$backend" "$ep" 2 2s 0; done

    local c
    for c in $CONNECTIONS; do
        for ep in "${ENDPOINTS[@]}"; do run_wrk "$backend" "$ep" "$c" "$DURATION"; done
    done

    if ((SIGN_NOTES > 0)); then
        sign_bench "$backend" "$db"
    fi
    if ((SERIES_N > 0)); then
        series_bench "$backend" "$db"
    fi

    local hwm rss
    hwm="$(awk '/^VmHWM:/ {print $2 " " $3}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "?")"
    rss="$(awk '/^VmRSS:/ {print $2 " " $3}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "?")"
    echo "server peak RSS (VmHWM): $hwm; current RSS: $rss"
    echo "load after:  $(uptime)"
    printf '%s\tseed %ss, data %s, peak RSS %s\n' "$backend" "$seed_s" "$(human_bytes "$size")" "$hwm" >>"$INFO"

    if [[ "${BENCH_QUERY_CHECK:-1}" != 0 ]]; then
        query_check "$backend" "${envs[@]}"
    fi
    cleanup_backend
}

# db_sql BACKEND DATABASE_URL SQL: one query's rows, columns separated by spaces.
db_sql() {
    if [[ "$1" == sqlite ]]; then
        command -v sqlite3 >/dev/null || return 1
        sqlite3 -readonly -separator ' ' "$2" "$3"
    else
        psql -X -At -F ' ' "$2" -c "$3"
    fi
}

# sign_bench BACKEND DATABASE_URL: issue 4's signing throughput (bench/sign.py), checked against the
# database: every 200 must be one signed note and one successful note.sign audit row, and no note
# may be signed twice.
sign_bench() {
    local backend="$1" db="$2"
    kw_log "signing: $SIGN_NOTES drafts for $SIGN_PATIENT (not timed), then each signed once from $SIGN_CONNECTIONS connections"
    # /healthz at the signing connection count, for the ratios (unless a read round had it already).
    if ! grep -qE "^$backend"$'\t'"healthz"$'\t'"$SIGN_CONNECTIONS"$'\t' "$RESULTS"; then
        run_wrk "$backend" healthz "$SIGN_CONNECTIONS" "$DURATION"
    fi
    local q_notes q_audit before_notes before_audit
    q_notes="SELECT COUNT(*) FROM session_notes n JOIN patients p ON p.id = n.patient_id
             WHERE p.record_number = '$SIGN_PATIENT' AND n.signed_at IS NOT NULL"
    q_audit="SELECT COUNT(*), COUNT(DISTINCT entity) FROM audit_events WHERE action = 'note.sign' AND outcome = 'success'"
    before_notes="$(db_sql "$backend" "$db" "$q_notes")" || before_notes="?"
    before_audit="$(db_sql "$backend" "$db" "$q_audit")" || before_audit="? ?"

    # Issue 11: every signed note counts against one referral of the patient; its counter must end exact.
    if ! env "${envs[@]}" "$KW_BIN" seed --referral "$SIGN_PATIENT" --visits "$SIGN_NOTES" >"$TMP/seed-referral.log" 2>&1 </dev/null; then
        tail -n 20 "$TMP/seed-referral.log" >&2
        kw_die "seed --referral $SIGN_PATIENT failed"
    fi
    local q_counter
    q_counter="SELECT r.used_visits, (SELECT COUNT(*) FROM referral_usages u WHERE u.referral_id = r.id) FROM referrals r
               JOIN patients p ON p.id = r.patient_id WHERE p.record_number = '$SIGN_PATIENT'"

    local out rc=0
    out="$(python3 "$BENCH_DIR/sign.py" "$BASE" "$TOKEN" "$SIGN_PATIENT" "$SIGN_NOTES" "$SIGN_CONNECTIONS" \
        "$SERVER_PID" "$SIGN_DEADLINE")" || rc=$?
    if ((rc != 0)); then
        kw_log "WARNING: $backend: signing benchmark failed (exit $rc); no sign row"
        printf '%s\tfailed\t-\t-\t-\t-\n' "$backend" >>"$SIGNINFO"
        return 0
    fi
    local line client sign
    line="$(grep '^KWRESULT ' <<<"$out" | tail -n 1)"
    client="$(grep '^KWCLIENT ' <<<"$out" | tail -n 1)"
    sign="$(grep '^KWSIGN ' <<<"$out" | tail -n 1)"
    record_result "$backend" sign "$SIGN_CONNECTIONS" "$line"
    local ok conflicts other errors unsent requests_per_s seconds server_cpu_ms healthz_rps first_failure_s ok_rps_before_failure
    eval "$(sed 's/^KW[A-Z]* //' <<<"$sign $client" | tr ' ' '\n' | grep -E '^[a-z_]+=-?[0-9.]+$' | sed 's/^/local /')"
    echo "sign: $ok signed in ${seconds}s ($requests_per_s requests/s); 409 (signed twice): $conflicts;" \
        "other non-2xx: $other; connection errors: $errors; not sent (deadline): $unsent;" \
        "knotwork server CPU per signed note: $server_cpu_ms ms (user+system, all threads; $(nproc) cores)"
    if [[ "$first_failure_s" != -1.00 ]]; then
        echo "sign: the first failing request was sent ${first_failure_s}s into signing; until then" \
            "$ok_rps_before_failure signed notes/s"
    fi
    local pool_timeouts
    pool_timeouts="$(grep -c 'ConnectionPoolTimeoutError' "$TMP/server.log" || true)"
    ((pool_timeouts == 0)) || echo "sign: server log: $pool_timeouts ConnectionPoolTimeoutError (a request waited 10 s" \
        "for a database connection and failed with 500)"
    echo "sign: client ceiling: /healthz from the same Python client at $SIGN_CONNECTIONS connections: $healthz_rps req/s"

    local after_notes after_audit verdict="ok"
    after_notes="$(db_sql "$backend" "$db" "$q_notes")" || after_notes="?"
    after_audit="$(db_sql "$backend" "$db" "$q_audit")" || after_audit="? ?"
    local new_notes="?" new_audit="?" new_distinct="?" a1 a2 b1 b2
    if [[ "$before_notes$after_notes" =~ ^[0-9]+$ ]]; then new_notes=$((after_notes - before_notes)); fi
    read -r a1 a2 <<<"$after_audit"; read -r b1 b2 <<<"$before_audit"
    if [[ "$a1$a2$b1$b2" =~ ^[0-9]+$ ]]; then new_audit=$((a1 - b1)); new_distinct=$((a2 - b2)); fi
    if [[ "$conflicts" != 0 || "$new_audit" != "$new_distinct" ]]; then
        verdict="SIGNED-TWICE"
    elif [[ "$new_notes" != "$ok" || "$new_audit" != "$ok" ]]; then
        verdict="MISMATCH"
        # A commit whose answer the client never got (it timed out or lost the connection) is a
        # signed note without a 200: not a double signature.
        if [[ "$new_notes" =~ ^[0-9]+$ && "$new_notes" == "$new_audit" ]] && ((new_notes > ok && new_notes <= ok + errors + other)); then
            verdict="MISMATCH($((new_notes - ok))-committed-without-200)"
        fi
    fi
    local counter used usages
    counter="$(db_sql "$backend" "$db" "$q_counter")" || counter="? ?"
    read -r used usages <<<"$counter"
    echo "sign: the referral's counter: used_visits $used, referral_usages $usages, 200s $ok ->" \
        "$([[ "$used" == "$ok" && "$usages" == "$ok" ]] && echo exact || echo NOT-EXACT)"
    [[ "$used" == "$ok" && "$usages" == "$ok" ]] || verdict="COUNTER-MISMATCH"
    echo "sign: database: session_notes of $SIGN_PATIENT with signed_at IS NOT NULL: $before_notes before," \
        "$after_notes after (+$new_notes); audit_events note.sign success: +$new_audit rows for +$new_distinct" \
        "distinct notes; 200s: $ok -> $verdict"
    [[ "$verdict" == ok ]] || kw_log "WARNING: $backend: signed notes in the database do not match the 200s ($verdict)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$verdict" "$ok" "$new_notes" "$conflicts" "$((other + errors))" >>"$SIGNINFO"
}

# series_bench BACKEND DATABASE_URL: issue 13's series booking (bench/series.py), checked against the database.
series_bench() {
    local backend="$1" db="$2" pairs="$TMP/book-pairs.txt"
    db_sql "$backend" "$db" "SELECT c.user_id, c.patient_id FROM care_team_members c JOIN users u ON u.id = c.user_id
                             WHERE u.username LIKE 'book%' ORDER BY u.username" >"$pairs" || { kw_log "WARNING: no sqlite3/psql: no series run"; return 0; }
    local before after out line series
    before="$(db_sql "$backend" "$db" "SELECT COUNT(*) FROM appointments WHERE series_id IS NOT NULL")"
    kw_log "series: $SERIES_N series of 24 visits from 2 connections"
    out="$(cd "$BENCH_DIR" && python3 series.py "$BASE" "$DESK_TOKEN" "$pairs" "$SERIES_N" 2)" || { kw_log "WARNING: series.py failed"; return 0; }
    line="$(grep '^KWRESULT ' <<<"$out" | tail -n 1)"
    series="$(grep '^KWSERIES ' <<<"$out" | tail -n 1)"
    record_result "$backend" series 2 "$line"
    after="$(db_sql "$backend" "$db" "SELECT COUNT(*) FROM appointments WHERE series_id IS NOT NULL")"
    echo "series: ${series#KWSERIES }; appointments with a series id: $before before, $after after (+$((after - before)))"
}

# history_sizes BACKEND DATABASE_URL SECONDS: rows of the seeded history (and of the whole table).
history_sizes() {
    local backend="$1" db="$2" secs="$3" q_rec q_all q_assess out_rec out_all n_assess
    q_rec="SELECT e.kind, COUNT(*) FROM clinical_entries e JOIN patients p ON p.id = e.patient_id
           WHERE p.record_number = '$HISTORY' GROUP BY e.kind ORDER BY e.kind"
    q_all="SELECT kind, COUNT(*) FROM clinical_entries GROUP BY kind ORDER BY kind"
    q_assess="SELECT COUNT(*) FROM assessments a JOIN patients p ON p.id = a.patient_id
              WHERE p.record_number = '$HISTORY'"
    sql() {
        if [[ "$backend" == sqlite ]]; then
            command -v sqlite3 >/dev/null || return 1
            sqlite3 -readonly -separator ' ' "$db" "$1"
        else
            psql -X -At -F ' ' "$db" -c "$1"
        fi
    }
    if n_assess="$(sql "$q_assess")" && out_rec="$(sql "$q_rec")" && out_all="$(sql "$q_all")"; then
        echo "data: history of $HISTORY seeded in ${secs}s: $n_assess assessments; clinical entries by kind:" \
            "$(paste -sd, <<<"$out_rec" | sed 's/,/, /g')"
        echo "data: clinical_entries, all patients (SELECT kind, COUNT(*) ... GROUP BY kind):" \
            "$(paste -sd, <<<"$out_all" | sed 's/,/, /g')"
    else
        echo "data: history of $HISTORY seeded in ${secs}s (row counts unavailable: no sqlite3/psql)"
    fi
}

# query_check BACKEND VAR=value...: restarts the server at debug log level and counts the SQL
# statements of single assess-* requests for a short and a long history (bench/queries.py).
query_check() {
    local backend="$1"
    shift
    kw_log "query count: restarting the server with KNOTWORK_LOG_LEVEL=debug (not timed)"
    kw_stop_pid "$SERVER_PID"
    SERVER_PID=""
    kw_start_server "$TMP/server-debug.log" "$PORT" "$@" KNOTWORK_LOG_LEVEL=debug
    SERVER_PID=$KW_SERVER_PID
    kw_wait_healthy "$BASE" "$SERVER_PID" "$TMP/server-debug.log" 600
    local cases="" rec pid aid count rest
    for rec in "$SMALL_HISTORY" "$HISTORY"; do
        if ! read -r pid aid count rest < <(python3 "$BENCH_DIR/discover.py" --assessment "$rec" "$BASE" "$TOKEN"); then
            kw_log "WARNING: query count: no assessment for $rec; skipped"
            continue
        fi
        cases+="assess-html $rec($count-assessments) /patients/$pid/assessments/$aid"$'\n'
        cases+="assess-json $rec($count-assessments) /api/v1/patients/$pid/assessments/$aid"$'\n'
    done
    local plan goals points start
    for rec in "$SMALL_HISTORY" "$EPISODE"; do
        if ! read -r pid plan goals points start < <(python3 "$BENCH_DIR/discover.py" --plan "$rec" "$BASE" "$TOKEN"); then
            kw_log "WARNING: query count: no plan for $rec; skipped"
            continue
        fi
        cases+="progress $rec($points-results) /api/v1/patients/$pid/plans/$plan/progress"$'\n'
        cases+="chart $rec($points-results) /patients/$pid/chart"$'\n'
    done
    local rc=0
    python3 "$BENCH_DIR/queries.py" "$BASE" "$TOKEN" "$TMP/server-debug.log" <<<"$cases" | sed "s/^/$backend /" || rc=$?
    case $rc in
        0) ;;
        3) kw_log "WARNING: $backend: an assess-*/progress/chart statement count grows with the patient's history" ;;
        *) kw_log "WARNING: $backend: query count check failed (exit $rc)" ;;
    esac
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t$THREADS, connections: $CONNECTIONS, $DURATION each"
echo "binary: $KW_BIN (built $(date -r "$KW_BIN" '+%Y-%m-%d %H:%M:%S'))"
if ((SIGN_NOTES > 0)); then
    echo "signing: $SIGN_NOTES notes of $SIGN_PATIENT from $SIGN_CONNECTIONS connections; goal $GOAL_SIGN_RPS signed notes/s" \
        "(temp files in /tmp: $(df -PT /tmp | awk 'NR == 2 {print $2 " on " $1}'))"
fi
for backend in $BACKENDS; do
    bench_backend "$backend"
done

kw_banner "SUMMARY (ratios are relative to /healthz at the same backend and connection count)"
awk -F'\t' '
    { key = $1 SUBSEP $3; rows[NR] = $0
      if ($2 == "healthz") { h_rps[key] = $4; h50[key] = $5; h99[key] = $6 } }
    END {
        printf "%-8s %-11s %4s %10s %9s %9s %8s %8s %8s %6s\n", "backend", "endpoint", "conn",
            "req/s", "p50 ms", "p99 ms", "rps/hz", "p50/hz", "p99/hz", "errors"
        for (i = 1; i <= NR; i++) {
            split(rows[i], f, "\t"); key = f[1] SUBSEP f[3]
            rr = (h_rps[key] > 0) ? sprintf("%.3f", f[4] / h_rps[key]) : "-"
            r50 = (h50[key] > 0) ? sprintf("%.1fx", f[5] / h50[key]) : "-"
            r99 = (h99[key] > 0) ? sprintf("%.1fx", f[6] / h99[key]) : "-"
            printf "%-8s %-11s %4s %10.1f %9.3f %9.3f %8s %8s %8s %6d\n", f[1], f[2], f[3], f[4], f[5], f[6],
                rr, r50, r99, f[7] + f[8]
        }
    }' "$RESULTS"
# Issue 3's goal for the chart read against a long history.
awk -F'\t' -v goal="$GOAL_P99_MS" '
    $1 == "sqlite" && $3 == 2 && $2 ~ /^assess-/ {
        printf "goal (issue 3): sqlite %-11s c=2 p99 %.3f ms <= %s ms: %s\n", $2, $6, goal,
            ($6 <= goal && $7 + $8 == 0) ? "met" : "NOT met"
    }' "$RESULTS"
# Issue 4's goal for the chart of a two-year episode (the page and its JSON).
awk -F'\t' -v goal="$GOAL_CHART_P99_MS" '
    $1 == "sqlite" && $3 == 2 && ($2 == "chart" || $2 == "progress") {
        printf "goal (issue 4): sqlite %-11s c=2 p99 %.3f ms <= %s ms: %s\n", $2, $6, goal,
            ($6 <= goal && $7 + $8 == 0) ? "met" : "NOT met"
    }' "$RESULTS"
# Issue 13's goals: the book's day (200 visits of 20 clinicians, about 100,000 in the book) and booking a 24-visit series.
awk -F'\t' -v goal="$GOAL_DAY_P99_MS" -v sgoal="$GOAL_SERIES_P99_MS" '
    $1 == "sqlite" && $3 == 2 && ($2 == "day" || $2 == "day-html" || $2 == "week") {
        printf "goal (issue 13): sqlite %s c=2 p99 %.3f ms <= %s ms: %s\n", $2, $6, goal, ($6 <= goal && $7 + $8 == 0) ? "met" : "NOT met"
    }
    $1 == "sqlite" && $2 == "series" {
        printf "goal (issue 13): sqlite series (24 visits) c=2 p99 %.3f ms <= %s ms: %s\n", $6, sgoal, ($6 <= sgoal && $7 + $8 == 0) ? "met" : "NOT met"
    }' "$RESULTS"

# Issue 11's goal for the worklist of a therapist with 300 patients, 50 open tasks and 20 reports due.
awk -F'\t' -v goal="$GOAL_WORKLIST_P99_MS" '
    $1 == "sqlite" && $3 == 2 && $2 == "worklist" {
        printf "goal (issue 11): sqlite worklist c=2 p99 %.3f ms <= %s ms: %s\n", $6, goal, ($6 <= goal && $7 + $8 == 0) ? "met" : "NOT met"
    }' "$RESULTS"
# Issue 4's goal for signing, on each backend.
awk -F'\t' -v goal="$GOAL_SIGN_RPS" -v conns="$SIGN_CONNECTIONS" '
    FILENAME == ARGV[1] { verdict[$1] = $2; next }
    $2 == "sign" {
        seen[$1] = 1
        printf "goal (issue 4): %-6s sign c=%s %.1f signed notes/s >= %s: %s (errors %d, database %s)\n", $1, conns, $4, goal,
            ($4 >= goal && $7 + $8 == 0 && verdict[$1] == "ok") ? "met" : "NOT met", $7 + $8, verdict[$1]
    }
    END { for (b in verdict) if (!(b in seen)) printf "goal (issue 4): %-6s sign: NOT measured (%s)\n", b, verdict[b] }
' "$SIGNINFO" "$RESULTS"
echo
cat "$INFO"
