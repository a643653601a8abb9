#!/usr/bin/env python3
"""Find benchmark inputs through the API: name prefixes that match patients and patient ids
that the token's user can read. Standard library only.

  discover.py BASE_URL TOKEN OUT_DIR [PREFIX ...]
  discover.py --assessment RECORD BASE_URL TOKEN
  discover.py --plan RECORD BASE_URL TOKEN

The first form writes OUT_DIR/paths-search.txt (/api/v1/patients?q=PREFIX), OUT_DIR/paths-json.txt
(/api/v1/patients/ID) and OUT_DIR/paths-html.txt (/patients/ID); exits 1 if nothing usable.
The second finds the patient with record number RECORD (/api/v1/patients?record=RECORD) and its
newest assessment (/api/v1/patients/ID/assessments) and prints one line on stdout:
  PATIENT_ID ASSESSMENT_ID ASSESSMENT_COUNT NEWEST_DATE OLDEST_DATE
exits 1 if the patient or an assessment is not found.
The third finds RECORD's plan of care for the chart and progress reads (issue 4): its active plan
(`knotwork seed --episode` makes one), or the plan a previous call made (end goal "bench: progress"), or creates one starting three years ago, 52 weeks
long, with goals on PEG, NRS-WEEK and NDI (the instruments `knotwork seed --history` records), then
reads its progress once and prints one line on stdout:
  PATIENT_ID PLAN_ID GOALS POINTS START
(POINTS: the measure results the goals are evaluated on, all goals together); exits 1 on failure,
printing the exact request and answer.
"""
import json
import sys
from datetime import datetime, timedelta, timezone
import urllib.error
import urllib.parse
import urllib.request

DEFAULT_PREFIXES = [
    "Sm", "Jo", "Wi", "Br", "Ga", "Mi", "Da", "Ro", "Ma", "Le", "Ha", "Mo", "Ng", "Ch",
    "Ki", "Ca", "Ta", "An", "Th", "Wa", "Ba", "Ne", "Pa", "Sa", "Lo", "Go", "He", "Ra",
]
MAX_PREFIXES = 6
MAX_IDS = 200


PLAN_MARK = "bench: progress"


def get(base, token, path, body=None):
    """GET path, or POST body (JSON) to it; (status, bytes)."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def patient_list(doc):
    """The first list of objects carrying an 'id': top level, or under a common key."""
    if isinstance(doc, list):
        return [x for x in doc if isinstance(x, dict) and "id" in x]
    if isinstance(doc, dict):
        for key in ("items", "patients", "results", "data", "rows"):
            if isinstance(doc.get(key), list):
                return patient_list(doc[key])
        for value in doc.values():
            if isinstance(value, list):
                found = patient_list(value)
                if found:
                    return found
    return []


def find_patient(base, token, record):
    """The id of the patient with record number RECORD, or None (with a message)."""
    status, body = get(base, token, "/api/v1/patients?record=" + urllib.parse.quote(record))
    rows = patient_list(json.loads(body)) if status == 200 else []
    rows = [r for r in rows if str(r.get("recordNumber", record)).upper() == record.upper()]
    if not rows:
        print(f"discover: record {record}: HTTP {status}, no such patient readable: {body[:200]!r}",
              file=sys.stderr)
        return None
    return str(rows[0]["id"])


def progress_plan(base, token, record):
    """Prints PATIENT_ID PLAN_ID GOALS POINTS START for RECORD's benchmark plan (made if missing)."""
    pid = find_patient(base, token, record)
    if pid is None:
        return 1
    path = f"/api/v1/patients/{urllib.parse.quote(pid)}/plans"
    status, body = get(base, token, path)
    plans = patient_list(json.loads(body)) if status == 200 else []
    # The patient's active plan (the demo's, or `knotwork seed --episode`'s), else one made by an earlier call.
    plan = next((p for p in plans if p.get("plan", {}).get("status") == "active"), None) \
        or next((p for p in plans if p.get("plan", {}).get("endGoal") == PLAN_MARK), None)
    if plan is None:
        today = datetime.now(timezone.utc).date()
        start = today - timedelta(days=3 * 365)
        day = lambda n: (start + timedelta(days=n)).isoformat()
        goals = [("Less pain interference", "PEG", 6, 3), ("Less pain over the week", "NRS-WEEK", 7, 3),
                 ("Less neck disability", "NDI", 24, 10)]
        request = {
            "problems": [{"icd10": "M54.2"}],
            "goals": [{"description": d, "measure": {"kind": "instrument", "code": c}, "baseline": b, "target": t,
                       "targetDate": day(60)} for d, c, b, t in goals],
            "techniques": [{"technique": "myofascial-release", "regions": ["neck-back.left"]}],
            "frequencyPerWeek": 1, "durationWeeks": 52, "start": start.isoformat(), "reEvaluationDate": day(28),
            "endGoal": PLAN_MARK, "dischargeCriteria": "The benchmark ends.",
        }
        status, body = get(base, token, path, request)
        if status != 201:
            print(f"discover: POST {path} {json.dumps(request)} -> {status} {body[:400]!r}", file=sys.stderr)
            return 1
        plan = json.loads(body)
    plan_id = str(plan["id"])
    progress = f"{path}/{urllib.parse.quote(plan_id)}/progress"
    status, body = get(base, token, progress)
    if status != 200:
        print(f"discover: GET {progress} -> {status} {body[:400]!r}", file=sys.stderr)
        return 1
    goals = json.loads(body).get("goals", [])
    points = sum(len((g.get("evaluation") or {}).get("points") or []) for g in goals)
    print(pid, plan_id, len(goals), points, plan.get("plan", {}).get("start", "?"))
    return 0


def newest_assessment(base, token, record):
    """Prints PATIENT_ID ASSESSMENT_ID COUNT NEWEST OLDEST for RECORD's newest assessment."""
    pid = find_patient(base, token, record)
    if pid is None:
        return 1
    status, body = get(base, token, f"/api/v1/patients/{urllib.parse.quote(pid)}/assessments")
    items = patient_list(json.loads(body)) if status == 200 else []
    if not items:
        print(f"discover: record {record}: assessments: HTTP {status}, none found: {body[:200]!r}",
              file=sys.stderr)
        return 1
    # The list is newest first; pick by date anyway (ties: the earlier in the list).
    dates = [str(a.get("assessedOn", "")) for a in items]
    newest = max(range(len(items)), key=lambda i: (dates[i], -i))
    print(pid, items[newest]["id"], len(items), dates[newest] or "?", min(dates) or "?")
    return 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--assessment":
        return newest_assessment(sys.argv[3].rstrip("/"), sys.argv[4], sys.argv[2])
    if len(sys.argv) == 5 and sys.argv[1] == "--plan":
        return progress_plan(sys.argv[3].rstrip("/"), sys.argv[4], sys.argv[2])
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    base, token, out = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    candidates = sys.argv[4:] or DEFAULT_PREFIXES
    prefixes, ids = [], []
    for prefix in candidates:
        status, body = get(base, token, "/api/v1/patients?q=" + urllib.parse.quote(prefix))
        if status != 200:
            print(f"discover: q={prefix}: HTTP {status}: {body[:200]!r}", file=sys.stderr)
            continue
        try:
            rows = patient_list(json.loads(body))
        except ValueError:
            print(f"discover: q={prefix}: response is not JSON", file=sys.stderr)
            continue
        if not rows:
            continue
        prefixes.append(prefix)
        for row in rows:
            pid = str(row["id"])
            if pid not in ids:
                ids.append(pid)
        if len(prefixes) >= MAX_PREFIXES and len(ids) >= 20:
            break
    readable = []
    for pid in ids[:MAX_IDS]:
        status, _ = get(base, token, "/api/v1/patients/" + urllib.parse.quote(pid))
        if status == 200:
            readable.append(pid)
    print(f"discover: prefixes with matches: {prefixes}; ids found: {len(ids)}, readable: {len(readable)}",
          file=sys.stderr)
    if not prefixes or not readable:
        print("discover: no usable prefixes/ids (is the database seeded? does the list API answer "
              "with a list of objects carrying 'id'?)", file=sys.stderr)
        return 1
    with open(f"{out}/paths-search.txt", "w") as f:
        f.writelines(f"/api/v1/patients?q={urllib.parse.quote(p)}\n" for p in prefixes)
    with open(f"{out}/paths-json.txt", "w") as f:
        f.writelines(f"/api/v1/patients/{urllib.parse.quote(i)}\n" for i in readable)
    with open(f"{out}/paths-html.txt", "w") as f:
        f.writelines(f"/patients/{urllib.parse.quote(i)}\n" for i in readable)
    return 0


if __name__ == "__main__":
    sys.exit(main())
