#!/usr/bin/env python3
"""Signing throughput (issue 4): create N draft notes for one patient, then sign each exactly once
from C concurrent keep-alive connections. Standard library only.

  sign.py BASE_URL TOKEN RECORD N CONCURRENCY [SERVER_PID [DEADLINE_SECONDS]]

1. Finds the patient with record number RECORD and checks it has no active precaution and no
   treatment hold (a note is signed only with every precaution acknowledged).
2. Creates N drafts, POST /api/v1/patients/{id}/notes with idempotency keys bench-sign-<i>
   (C connections, not timed). Any answer but 201 stops the run.
3. Calibrates the client: N GET /healthz from the same C threads, so that a reader can tell
   whether this client, not the server, is the limit.
4. Signs: POST /api/v1/patients/{id}/notes/{noteID}/sign, body {}, each note id handed out once
   from a shared queue to C threads, one connection each, no retries (a retry after a lost answer
   could sign twice). Timed from the first request to the last answer. After DEADLINE_SECONDS
   [300] of signing no further id is handed out (a stalled server would otherwise take 10 s per
   note); those notes count as unsent.

Prints, on stdout, lines for bench/run.sh:
  KWRESULT requests=N rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D bytes_per_req=E errors=F non2xx3xx=G
    (rps = signed notes (200s) per second; errors = connection errors; non2xx3xx = other answers)
  KWSIGN ok=N conflicts=N other=N errors=N unsent=N requests_per_s=R seconds=S server_cpu_ms=C
         first_failure_s=F ok_rps_before_failure=P patient=ID
    (F: when the first request that failed was sent, -1 if none did; P: 200s answered before F,
    per second of F: the rate before a stall)
    (server_cpu_ms: CPU time of SERVER_PID (user + system) while signing, per signed note; -1
    without SERVER_PID; a PostgreSQL server's own processes are not counted)
  KWCLIENT healthz_rps=R p50_ms=A p99_ms=B
and, on stderr, the status counts and the exact request of the first failures.
Exits 1 if the set-up fails, 0 otherwise (run.sh judges the counts).
"""
import http.client
import json
import os
import queue
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

KEY_PREFIX = "bench-sign-"


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects after a connection error."""

    def __init__(self, base, token):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.token = token
        self.conn = None

    def connect(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self.conn.connect()

    def request(self, method, path, body=None, auth=True):
        """(status, body bytes); status 0 on a connection error (the connection is dropped)."""
        headers = {"Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.connect()
            self.conn.request(method, path, body=data, headers=headers)
            r = self.conn.getresponse()
            payload = r.read()
            if r.getheader("Connection", "").lower() == "close":
                self.close()
            return r.status, payload
        except (OSError, http.client.HTTPException) as e:
            self.close()
            return 0, repr(e).encode()

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def percentile(sorted_values, q):
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, int(-(-q * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


def run_parallel(base, token, concurrency, jobs, work, deadline=None):
    """Runs work(client, job) for every job from a shared queue on `concurrency` threads, each with
    its own connection, handing out no job after `deadline` seconds; returns
    (wall seconds, [(job, status, seconds, body, start)]) with start in seconds from the first request."""
    q = queue.Queue()
    for j in jobs:
        q.put(j)
    results = []
    lock = threading.Lock()
    clients = [Client(base, token) for _ in range(concurrency)]
    for c in clients:
        c.connect()
    start_gate = threading.Barrier(concurrency + 1, action=lambda: started.append(time.perf_counter()))
    started = []

    def worker(client):
        mine = []
        start_gate.wait()
        while deadline is None or time.perf_counter() - started[0] < deadline:
            try:
                job = q.get_nowait()
            except queue.Empty:
                break
            t0 = time.perf_counter()
            status, body = work(client, job)
            mine.append((job, status, time.perf_counter() - t0, body, t0 - started[0]))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    start_gate.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started[0]
    for c in clients:
        c.close()
    return wall, results


def cpu_seconds(pid):
    """User + system CPU seconds of process pid (all its threads), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def iso(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    if len(sys.argv) not in (6, 7, 8):
        print(__doc__, file=sys.stderr)
        return 2
    base, token, record = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    n, concurrency = int(sys.argv[4]), int(sys.argv[5])
    server_pid = sys.argv[6] if len(sys.argv) >= 7 and sys.argv[6] else None
    deadline = float(sys.argv[7]) if len(sys.argv) == 8 else 300.0
    c = Client(base, token)

    status, body = c.request("GET", "/api/v1/patients?record=" + urllib.parse.quote(record))
    items = json.loads(body).get("items", []) if status == 200 else []
    items = [p for p in items if str(p.get("recordNumber", "")).upper() == record.upper()]
    if not items:
        print(f"sign: record {record}: HTTP {status}, not readable: {body[:200]!r}", file=sys.stderr)
        return 1
    pid = items[0]["id"]
    status, body = c.request("GET", f"/api/v1/patients/{pid}/safety")
    safety = json.loads(body) if status == 200 else {}
    if status != 200 or safety.get("precautions") or safety.get("onHold"):
        print(f"sign: {record} must have no active precaution and no hold: GET /api/v1/patients/{pid}/safety -> "
              f"{status} {body[:300]!r}", file=sys.stderr)
        return 1
    c.close()

    now = datetime.now(timezone.utc)
    note = {"subjective": {"painToday": 6},
            "interventions": [{"technique": "myofascial-release", "regions": ["neck-back.left"], "minutes": 30,
                               "pressure": "moderate"}],
            "painAfter": 3, "timeIn": iso(now - timedelta(hours=1)), "timeOut": iso(now - timedelta(minutes=10))}
    notes_path = f"/api/v1/patients/{pid}/notes"

    # Drafts (not timed).
    def create(client, i):
        return client.request("POST", notes_path, {"idempotencyKey": f"{KEY_PREFIX}{i}", "note": note})

    wall, results = run_parallel(base, token, concurrency, range(n), create)
    ids, bad = [], []
    for i, status, _, body, _ in sorted(results, key=lambda r: r[0]):
        if status == 201:
            ids.append(json.loads(body)["id"])
        else:
            bad.append((i, status, body))
    if bad:
        i, status, body = bad[0]
        print(f"sign: {len(bad)} of {n} drafts not created (201 expected); first: POST {notes_path} "
              f"{json.dumps({'idempotencyKey': f'{KEY_PREFIX}{i}', 'note': note})} -> {status} {body[:400]!r}",
              file=sys.stderr)
        return 1
    print(f"sign: {record} (patient {pid}): {n} drafts created in {wall:.1f}s ({n / wall:.0f}/s, "
          f"{concurrency} connections, not timed)", file=sys.stderr)

    # The client's own ceiling, on the cheapest endpoint.
    wall, results = run_parallel(base, token, concurrency, range(n),
                                 lambda client, _: client.request("GET", "/healthz", auth=False))
    lat = sorted(r[2] * 1000 for r in results)
    ok = sum(1 for r in results if r[1] == 200)
    print(f"KWCLIENT healthz_rps={ok / wall:.1f} p50_ms={percentile(lat, 50):.3f} p99_ms={percentile(lat, 99):.3f}")

    # Signing (timed): each id exactly once.
    def sign(client, note_id):
        return client.request("POST", f"{notes_path}/{note_id}/sign", {})

    cpu0 = cpu_seconds(server_pid) if server_pid else None
    wall, results = run_parallel(base, token, concurrency, ids, sign, deadline)
    cpu1 = cpu_seconds(server_pid) if server_pid else None
    if len({r[0] for r in results}) != len(results) or len(results) > len(ids):
        print(f"sign: BUG in sign.py: {len(results)} answers for {len(ids)} ids", file=sys.stderr)
        return 1
    unsent = len(ids) - len(results)
    if unsent:
        print(f"sign: deadline of {deadline:.0f}s reached: {unsent} notes not sent", file=sys.stderr)
    counts = {}
    for r in results:
        counts[r[1]] = counts.get(r[1], 0) + 1
    ok = counts.get(200, 0)
    conflicts = counts.get(409, 0)
    errors = counts.get(0, 0)
    other = len(results) - ok - conflicts - errors
    lat = sorted(r[2] * 1000 for r in results)
    total_bytes = sum(len(r[3]) for r in results)
    by_status = ", ".join(f"{k or 'connection error'}: {v}" for k, v in sorted(counts.items()))
    print(f"sign: answers by status: {by_status}", file=sys.stderr)
    failures = sorted((r for r in results if r[1] != 200), key=lambda r: r[4])
    for note_id, status, secs, body, _ in failures[:5]:
        print(f"sign: FAILED: POST {notes_path}/{note_id}/sign (Authorization: Bearer <ana.lmt>, "
              f"Content-Type: application/json, body {{}}) -> {status or 'connection error'} after {secs * 1000:.1f} ms: "
              f"{body[:400]!r}", file=sys.stderr)
    print(f"KWRESULT requests={len(results)} rps={ok / wall:.1f} p50_ms={percentile(lat, 50):.3f} "
          f"p90_ms={percentile(lat, 90):.3f} p99_ms={percentile(lat, 99):.3f} max_ms={lat[-1] if lat else 0:.3f} "
          f"bytes_per_req={total_bytes // max(1, len(results))} errors={errors} non2xx3xx={conflicts + other}")
    first_failure = min((r[4] for r in failures), default=None)
    before = sum(1 for r in results if r[1] == 200 and first_failure is not None and r[4] + r[2] <= first_failure)
    print(f"KWSIGN ok={ok} conflicts={conflicts} other={other} errors={errors} unsent={unsent} "
          f"first_failure_s={first_failure if first_failure is not None else -1:.2f} "
          f"ok_rps_before_failure={before / first_failure if first_failure else -1:.1f} "
          f"requests_per_s={len(results) / wall:.1f} seconds={wall:.2f} "
          f"server_cpu_ms={(cpu1 - cpu0) * 1000 / max(1, ok) if cpu0 is not None and cpu1 is not None else -1:.2f} "
          f"patient={pid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
