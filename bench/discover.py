#!/usr/bin/env python3
"""Find benchmark inputs through the API: name prefixes that match patients and patient ids
that the token's user can read. Standard library only.

  discover.py BASE_URL TOKEN OUT_DIR [PREFIX ...]
  discover.py --assessment RECORD BASE_URL TOKEN

The first form writes OUT_DIR/paths-search.txt (/api/v1/patients?q=PREFIX), OUT_DIR/paths-json.txt
(/api/v1/patients/ID) and OUT_DIR/paths-html.txt (/patients/ID); exits 1 if nothing usable.
The second finds the patient with record number RECORD (/api/v1/patients?record=RECORD) and its
newest assessment (/api/v1/patients/ID/assessments) and prints one line on stdout:
  PATIENT_ID ASSESSMENT_ID ASSESSMENT_COUNT NEWEST_DATE OLDEST_DATE
exits 1 if the patient or an assessment is not found.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

DEFAULT_PREFIXES = [
    "Sm", "Jo", "Wi", "Br", "Ga", "Mi", "Da", "Ro", "Ma", "Le", "Ha", "Mo", "Ng", "Ch",
    "Ki", "Ca", "Ta", "An", "Th", "Wa", "Ba", "Ne", "Pa", "Sa", "Lo", "Go", "He", "Ra",
]
MAX_PREFIXES = 6
MAX_IDS = 200


def get(base, token, path):
    req = urllib.request.Request(base + path, headers={
        "Authorization": f"Bearer {token}", "Accept": "application/json"})
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


def newest_assessment(base, token, record):
    """Prints PATIENT_ID ASSESSMENT_ID COUNT NEWEST OLDEST for RECORD's newest assessment."""
    status, body = get(base, token, "/api/v1/patients?record=" + urllib.parse.quote(record))
    rows = patient_list(json.loads(body)) if status == 200 else []
    rows = [r for r in rows if str(r.get("recordNumber", record)).upper() == record.upper()]
    if not rows:
        print(f"discover: record {record}: HTTP {status}, no such patient readable: {body[:200]!r}",
              file=sys.stderr)
        return 1
    pid = str(rows[0]["id"])
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
