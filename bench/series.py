#!/usr/bin/env python3
"""Booking 24-visit series with conflict checks (issue 13): N requests from C keep-alive connections, each
POST /api/v1/patients/{id}/appointment-series for one of the book clinicians' patients, twice a week for 12 weeks
at an hour of the evening the seeded book leaves free, so that every occurrence is checked (license on its day, the
clinician's visits, the referral counters) and booked. Each request has its own clinician, hour, weekdays and
starting week, so none clashes with another. Standard library only (the HTTP client of sign.py).

  series.py BASE_URL TOKEN PAIRS_FILE N CONCURRENCY

PAIRS_FILE: one "clinician_id patient_id" per line (a patient on that clinician's care team).
Prints KWRESULT requests=N rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D bytes_per_req=E errors=F non2xx3xx=G
(rps: series booked per second) and KWSERIES booked_visits=V not_booked=M, then exits 0 (run.sh judges).
"""
import json
import sys
from datetime import date, timedelta

from sign import percentile, run_parallel

WEEKDAYS = [["monday", "wednesday"], ["tuesday", "thursday"], ["friday", "saturday"]]
HOURS = ["18:00", "19:00", "20:00", "21:00"]


def main():
    base, token, pairs_file, n, conns = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    pairs = []
    seen = set()
    for line in open(pairs_file):
        parts = line.split()
        if len(parts) == 2 and parts[0] not in seen:
            seen.add(parts[0])
            pairs.append(parts)
    if not pairs:
        print("series: no clinician and patient pairs", file=sys.stderr)
        return 1
    first = date.today() + timedelta(days=1)
    jobs = []
    for i in range(n):
        clinician, patient = pairs[i % len(pairs)]
        k = i // len(pairs)
        body = {"clinicianId": clinician, "weekdays": WEEKDAYS[k % 3], "time": HOURS[(k // 3) % 4],
                "firstDay": (first + timedelta(weeks=12 * (k // 12))).isoformat(), "weeks": 12, "minutes": 50, "kind": "session"}
        jobs.append((patient, body))

    def work(client, job):
        patient, body = job
        return client.request("POST", f"/api/v1/patients/{patient}/appointment-series", body)

    wall, results = run_parallel(base, token, conns, jobs, work)
    lat = sorted(r[2] * 1000 for r in results)
    ok = [r for r in results if r[1] == 201]
    errors = sum(1 for r in results if r[1] == 0)
    other = len(results) - len(ok) - errors
    booked = not_booked = 0
    for r in ok:
        out = json.loads(r[3])
        booked += len(out["booked"])
        not_booked += len(out["notBooked"])
    for r in [r for r in results if r[1] not in (0, 201)][:3]:
        print(f"series: {r[1]} {r[3][:300]!r}", file=sys.stderr)
    size = sum(len(r[3]) for r in results) / max(1, len(results))
    print(f"KWRESULT requests={len(results)} rps={len(ok) / wall:.1f} p50_ms={percentile(lat, 50):.3f} p90_ms={percentile(lat, 90):.3f} "
          f"p99_ms={percentile(lat, 99):.3f} max_ms={lat[-1] if lat else 0:.3f} bytes_per_req={size:.0f} errors={errors} non2xx3xx={other}")
    print(f"KWSERIES booked_visits={booked} not_booked={not_booked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
