"""Administration pages: users, the audit report (sorting, CSV export) and chain verification."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

from kwbrowser import Browser

DEMO_USERS = ["admin", "ana.lmt", "ben.lmt", "pat.pt", "bea.bh", "max.md", "fran.desk"]
CSV_HEADER = ["seq", "occurred_at", "user_id", "username", "role", "action", "patient_id", "entity", "outcome",
              "client_address", "request_id", "detail", "break_glass", "hash"]


def column(b: Browser, index: int) -> list[str]:
    return [r.find_element("css selector", f"td:nth-child({index + 1})").text
            for r in b.find_all("table#audit-events tbody tr")]


def header_index(b: Browser, label: str) -> int:
    labels = [th.text for th in b.find_all("table#audit-events thead th")]
    return next(i for i, t in enumerate(labels) if t.startswith(label))


def sort_link(b: Browser, label: str):
    return next(a for a in b.find_all("table#audit-events thead th a") if a.text.startswith(label))


def sorted_by(b: Browser, label: str) -> str | None:
    """The aria-sort of the column whose header starts with `label`."""
    th = b.find_all("table#audit-events thead th")[header_index(b, label)]
    return th.get_attribute("aria-sort")


def user_key(u: str) -> str:
    # Letters and digits only: the same order under SQLite's binary and PostgreSQL's collations.
    return re.sub(r"[^a-z0-9]", "", u.lower())


def test_admin_users_audit_report_csv_and_verify(browser: Browser):
    b = browser
    b.sign_in("admin")
    nav = [a.text for a in b.find_all("nav#main-nav a")]
    assert "Users" in nav and "Audit" in nav, nav

    # Users
    b.click_and_wait(next(a for a in b.find_all("nav#main-nav a") if a.text == "Users"))
    assert b.path == "/admin/users" and b.h1() == "Users"
    usernames = [r.find_element("css selector", "td:nth-child(2)").text for r in b.find_all("table#users tbody tr")]
    assert set(DEMO_USERS) <= set(usernames), usernames
    assert b.exists("form#user-form")

    # Audit report: newest first by default.
    b.click_and_wait(next(a for a in b.find_all("nav#main-nav a") if a.text == "Audit"))
    assert b.path == "/admin/audit" and b.h1() == "Audit report"
    t = header_index(b, "Time")
    times = column(b, t)
    assert times, "the audit report is empty"
    assert sorted_by(b, "Time") == "descending"
    assert times == sorted(times, reverse=True), times[:10]
    recent = list(zip(column(b, header_index(b, "User")), column(b, header_index(b, "Action"))))
    assert ("admin", "auth.sign_in") in recent, f"admin's own sign-in is not among the newest events: {recent[:10]}"

    # Sort by user (descending first, then ascending), then by time ascending.
    b.click_and_wait(sort_link(b, "User"))
    q = parse_qs(urlparse(b.driver.current_url).query)
    assert q.get("sort") == ["user"] and q.get("dir") == ["desc"], q
    assert sorted_by(b, "User") == "descending" and sorted_by(b, "Time") is None
    users = column(b, header_index(b, "User"))
    assert users == sorted(users, key=user_key, reverse=True), users

    b.click_and_wait(sort_link(b, "User"))
    assert parse_qs(urlparse(b.driver.current_url).query).get("dir") == ["asc"]
    assert sorted_by(b, "User") == "ascending"
    users = column(b, header_index(b, "User"))
    assert users == sorted(users, key=user_key), users
    assert "admin" in users

    b.click_and_wait(sort_link(b, "Time"))
    assert sorted_by(b, "Time") == "descending"
    b.click_and_wait(sort_link(b, "Time"))
    assert sorted_by(b, "Time") == "ascending"
    times = column(b, header_index(b, "Time"))
    assert times == sorted(times), times[:10]

    # CSV export of the same report, fetched with the browser's session.
    href = b.find("a#csv-export").get_attribute("href")
    assert urlparse(href).path == "/admin/audit.csv"
    r = b.http().get(href, allow_redirects=False, timeout=60)
    assert r.status_code == 200, r.status_code
    assert r.headers["Content-Type"].split(";")[0].strip() == "text/csv", r.headers["Content-Type"]
    assert "attachment" in r.headers.get("Content-Disposition", "")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
    assert rows[0] == CSV_HEADER, rows[0]
    assert len(rows) > 1 and all(len(row) == len(CSV_HEADER) for row in rows[1:])
    seqs = [int(row[0]) for row in rows[1:]]
    assert seqs == sorted(seqs), "the export does not follow the report's sort (time ascending)"
    assert {"admin"} <= {row[3] for row in rows[1:]}

    # Verification of the hash chain.
    b.click_and_wait(b.find("a#verify-link"))
    assert b.path == "/admin/audit/verify"
    result = b.find("#verify-result").text
    assert "intact" in result, result
    assert "altered" not in result


def test_admin_pages_refused_to_a_clinician(browser: Browser):
    b = browser
    b.sign_in("ana.lmt")
    assert [a.text for a in b.find_all("nav#main-nav a")] == ["Patients", "Schedule", "My tasks", "Inbox", "My account"]
    for path in ("/admin/users", "/admin/audit", "/admin/audit/verify"):
        b.get(path)
        assert b.h1() == "Not found", f"{path} as ana.lmt: {b.h1()}"
    r = b.http().get(b.url("/admin/audit.csv"), allow_redirects=False, timeout=30)
    assert r.status_code == 404 and "text/csv" not in r.headers.get("Content-Type", "")


def test_clinic_settings_add_a_technique_and_it_is_offered_on_plans(browser: Browser):
    """Issue 4: the administrator edits the clinic's technique list (and the progress rules) on a page that passes axe;
    a bad CPT code is named on its row and saves nothing; the new technique is then offered on the plan form."""
    b = browser
    b.sign_in("admin")
    b.click_and_wait(next(a for a in b.find_all("nav#main-nav a") if a.text == "Clinic settings"))
    assert b.path == "/admin/clinic" and b.h1() == "Clinic settings"
    b.assert_axe_clean("clinic settings")
    rows = b.find_all("table#techniques-table tbody tr")
    new = [r for r in rows if r.find_element("css selector", "td").text == "New"]
    assert len(new) == 3, [r.text for r in rows]
    name = new[0].find_element("css selector", "input[name$='[label]']")
    cpt = new[0].find_element("css selector", "input[name$='[cpt]']")
    name.send_keys("Positional release")
    cpt.send_keys("123")
    cpt_name = cpt.get_attribute("name")
    b.submit_form("#settings-submit")
    assert "A CPT code is five digits" in b.find("main").text
    b.assert_axe_clean("clinic settings with an error")
    cpt = b.find(f"input[name='{cpt_name}']")
    cpt.clear()
    cpt.send_keys("97140")
    b.submit_form("#settings-submit")
    assert "version" in b.find("main").text and "is in force" in b.find("main").text, b.find("main").text[:300]
    assert "positional-release" in b.find("table#techniques-table").text

    b.sign_out()
    b.sign_in("ana.lmt")
    r = b.http().get(b.url("/api/v1/patients?record=KW-000001"), timeout=30)
    assert r.status_code == 200, r.text[:200]
    body = r.json()
    pid = (body["items"] if isinstance(body, dict) else body)[0]["id"]
    b.get(f"/patients/{pid}/plans/new")
    options = [o.get_attribute("value") for o in b.find_all("select[name='techniques[0][technique]'] option")]
    assert "positional-release" in options, options
