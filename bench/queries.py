#!/usr/bin/env python3
"""Count the SQL statements behind single requests, from the log of a server started with
KNOTWORK_LOG_LEVEL=debug (Fluent logs every statement at debug: "... database-id=ID sql=...
[SQLiteKit|PostgresKit] Executing query"). Standard library only.

  queries.py BASE_URL TOKEN SERVER_LOG < CASES

CASES: one request a line, "ENDPOINT LABEL PATH" (LABEL: e.g. the record number and its history
size, no spaces). Requests are sent one at a time; each is sent twice and the statements logged
between the end of the previous request and its own request line are counted (the audit trail's
group commit finishes before the response, so its statements fall in the same window). Prints
one line per request and then, per endpoint, whether the count differs between labels; exits 1
if a request fails or its log line never appears, 3 if a count differs between labels.
"""
import re
import sys
import time
import urllib.error
import urllib.request

RECORD_START = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
REQUEST_DONE = re.compile(r"\[KnotworkWeb\] request\s*$")
DATABASE_ID = re.compile(r"database-id=(\S+)")


def get(base, token, path):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, len(r.read())
    except urllib.error.HTTPError as e:
        return e.code, len(e.read())


def records(text):
    """Log records: a timestamped line plus its continuation lines (multi-line SQL)."""
    current = []
    for line in text.splitlines():
        if RECORD_START.match(line) and current:
            yield "\n".join(current)
            current = []
        current.append(line)
    if current:
        yield "\n".join(current)


def count_request(base, token, log, path):
    """(status, bytes, total statements, {database-id: statements}) for one GET of path."""
    with open(log, "rb") as f:
        f.seek(0, 2)
        offset = f.tell()
    status, size = get(base, token, path)
    deadline = time.monotonic() + 10
    while True:
        with open(log, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", "replace")
        per_db, total = {}, 0
        for rec in records(text):
            first = rec.split("\n", 1)[0]
            if REQUEST_DONE.search(first):
                return status, size, total, per_db
            if "Executing query" in rec:
                total += 1
                m = DATABASE_ID.search(first)
                key = m.group(1) if m else "?"
                per_db[key] = per_db.get(key, 0) + 1
        if time.monotonic() > deadline:
            raise RuntimeError(f"no request line in {log} for GET {path} (is the log level debug?)")
        time.sleep(0.05)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    base, token, log = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    cases = [line.split() for line in sys.stdin if line.strip()]
    by_endpoint = {}
    failed = False
    for endpoint, label, path in cases:
        counts = []
        for _ in range(2):
            status, size, total, per_db = count_request(base, token, log, path)
            counts.append(total)
        split = ", ".join(f"{k} {v}" for k, v in sorted(per_db.items()))
        first = f" (first request: {counts[0]})" if counts[0] != counts[1] else ""
        print(f"queries: {endpoint:<11} {label:<22} {status} {size:>7} B  {total:3d} SQL statements "
              f"({split}){first}")
        if status != 200:
            failed = True
        by_endpoint.setdefault(endpoint, []).append((label, total))
    grows = False
    for endpoint, rows in by_endpoint.items():
        counts = {n for _, n in rows}
        labels = ", ".join(f"{label}: {n}" for label, n in rows)
        if len(counts) == 1:
            print(f"queries: {endpoint}: same statement count for every history ({labels})")
        else:
            grows = True
            print(f"queries: {endpoint}: statement count DIFFERS with the history ({labels})")
    return 1 if failed else (3 if grows else 0)


if __name__ == "__main__":
    sys.exit(main())
