"""Reads a calendar feed with the independent `icalendar` package (RFC 5545) and prints what a calendar program would
show: one JSON object per event, its start and end in the given IANA zone. Exits 1 when the feed does not parse or
breaks the RFC's rules that clients rely on (CRLF line ends, lines of at most 75 octets, one UID per event).

    python3 tests/feeds/check_ics.py FEED.ics America/Chicago
"""
from __future__ import annotations

import json
import sys
from zoneinfo import ZoneInfo

from icalendar import Calendar


def main(path: str, zone: str) -> int:
    raw = open(path, "rb").read()
    problems = []
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("a line ends without CRLF")
    for n, line in enumerate(raw.split(b"\r\n"), 1):
        if len(line) > 75:
            problems.append(f"line {n} is {len(line)} octets long")
    cal = Calendar.from_ical(raw)
    if str(cal.get("VERSION")) != "2.0" or not cal.get("PRODID"):
        problems.append("VERSION 2.0 and PRODID are required")
    tz = ZoneInfo(zone)
    uids = set()
    events = []
    for ev in cal.walk("VEVENT"):
        uid = str(ev.get("UID"))
        if uid in uids:
            problems.append(f"UID {uid} twice")
        uids.add(uid)
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        if start.tzinfo is None or end.tzinfo is None:
            problems.append(f"{uid}: a floating time (no zone) is read differently by each client")
            continue
        events.append({"uid": uid, "start": start.astimezone(tz).isoformat(), "end": end.astimezone(tz).isoformat(),
                       "summary": str(ev.get("SUMMARY")), "status": str(ev.get("STATUS"))})
    for p in problems:
        print("check_ics: " + p, file=sys.stderr)
    print(json.dumps({"name": str(cal.get("X-WR-CALNAME")), "events": events}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
