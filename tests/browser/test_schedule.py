"""The appointment book through the real browser (issue 4 §2: a session note "started from an appointment").

fran.desk books a visit for one of ana.lmt's patients from the patient's Appointments page (one three days back
first, refused on its field) and marks the patient arrived; ana.lmt finds the visit on her Schedule, starts its note from
there (the note opens with the visit's times), signs it, and the schedule then shows the visit completed with a link
to its note. axe (serious and critical) and the sideways-scroll check run on the appointments page and the schedule at
the desktop size and at 768 px.
"""

from __future__ import annotations

import datetime as dt
import re

from selenium.webdriver.common.by import By

from kwbrowser import Browser, clinic_now
from test_assessment import UUID, ana_http, ana_patients, by_id, claim_patient, fill  # noqa: F401
from test_episode import audit, page_problem, select_only, select_value, set_datetime_local

TECHNIQUE = "myofascial-release"
REGION = "neck-back.left"


def book(b: Browser, pid: str, ana_id: str, start: dt.datetime, minutes: str) -> bool:
    """Fills and sends the booking form; whether the visit was booked (False when the hour was taken)."""
    b.get(f"/patients/{pid}/appointments")
    select_value(b, "clinicianId", ana_id)
    set_datetime_local(b, by_id(b, "start"), start.strftime("%Y-%m-%dT%H:%M"))
    fill(by_id(b, "minutes"), minutes)
    fill(by_id(b, "reason"), "Neck follow-up (browser test)")
    b.submit_form("button#book-submit")
    return b.path.endswith("?booked=1")


def test_a_visit_booked_by_the_front_desk_becomes_a_signed_note(browser: Browser, server, ana_http, ana_patients):  # noqa: F811
    b = browser
    patient = claim_patient(server, ana_http, ana_patients, without_visits=True)
    pid = patient["id"]
    problems: list[str] = []

    # 1. The front desk books a visit that ended an hour ago (a walk-in entered afterwards), with ana.lmt. -------
    b.sign_in("fran.desk")
    b.get(f"/patients/{pid}")
    b.click_and_wait(b.find("a#appointments-link"))
    assert b.path == f"/patients/{pid}/appointments", page_problem(b, "Appointments and booking")
    options = {o.text.split(" · ")[0]: o.get_attribute("value") for o in b.find_all("select#clinicianId option")}
    ana_id = next(v for k, v in options.items() if k.startswith("Ana "))
    now = clinic_now()
    start = now - dt.timedelta(hours=2)
    # A visit three days back is refused on its field, and nothing is booked (the browser itself keeps the length
    # within 5–480 minutes).
    assert by_id(b, "minutes").get_attribute("max") == "480"
    assert not book(b, pid, ana_id, start - dt.timedelta(days=3), "60")
    assert "A visit cannot be booked more than a day in the past." in b.find("#book-form").text, page_problem(b, "a visit 3 days back")
    assert not b.exists("table#past-visits") and not b.exists("table#upcoming-visits"), "a refused visit was booked"
    # The demo books some of ana's hours today: step back an hour at a time to a free one (at most a day back).
    for _ in range(20):
        if book(b, pid, ana_id, start, "60"):
            break
        assert "already has a visit" in b.find("#book-form").text, page_problem(b, "booking the visit")
        start -= dt.timedelta(hours=1)
    assert b.path.endswith("?booked=1"), page_problem(b, "booking the visit")
    when = start.strftime("%Y-%m-%d %H:%M")
    rows = [r for r in b.find_all("tr[id^=visit-]") if when in r.text]
    assert len(rows) == 1, page_problem(b, f"the visit of {when}")
    visit_id = rows[0].get_attribute("id")[len("visit-"):]
    assert re.fullmatch(UUID, visit_id)
    assert "Booked" in rows[0].text and not b.exists(f"#start-note-{visit_id}"), "the front desk must not be offered the note"
    audit(b, "appointments", problems)
    b.click_and_wait(b.find(f"button#arrived-{visit_id}"))
    assert "Arrived" in b.find(f"tr#visit-{visit_id}").text, page_problem(b, "marking the patient arrived")
    b.sign_out()

    # 2. ana.lmt finds the visit on her schedule and starts its note there. ----------------------------------------
    b.sign_in("ana.lmt")
    b.click_and_wait(next(a for a in b.find_all("nav#main-nav a") if a.text == "Schedule"))
    assert b.path == "/schedule", b.path
    if start.date() != now.date():
        b.click_and_wait(b.find("a#previous-day"))
    row = b.find(f"tr#visit-{visit_id}")
    assert "Neck follow-up (browser test)" in row.text and "Arrived" in row.text, row.text
    audit(b, "schedule", problems)
    b.click_and_wait(b.find(f"a#start-note-{visit_id}"))
    assert b.path == f"/patients/{pid}/notes/new?appointment={visit_id}", page_problem(b, "Start note")
    assert f"For the visit of {when}" in b.find("#note-visit").text
    assert by_id(b, "timeIn").get_attribute("value") == start.strftime("%Y-%m-%dT%H:%M")
    assert by_id(b, "timeOut").get_attribute("value") == (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    # 3. The note, signed: the visit is completed and opens its note. --------------------------------------------
    for box in b.find_all("form#note-form #pre-session input[type=checkbox][name=acknowledged]"):
        if not box.is_selected():
            box.click()
    if b.exists("#holdOverrideReason"):
        fill(by_id(b, "holdOverrideReason"), "Cleared by phone with the medical provider")
    select_value(b, "subjective.painToday", "5")
    fill(by_id(b, "subjective.text"), "Neck better since the last visit")
    select_value(b, "interventions[0].technique", TECHNIQUE)
    select_only(b, "interventions[0].regions", [REGION])
    fill(by_id(b, "interventions[0].minutes"), "40")
    select_value(b, "painAfter", "3")
    set_datetime_local(b, by_id(b, "timeOut"), (start + dt.timedelta(minutes=55)).strftime("%Y-%m-%dT%H:%M"))
    b.submit_form("button#note-sign")
    assert re.fullmatch(f"/patients/{pid}/notes/{UUID}", b.path), page_problem(b, "signing the visit's note")
    note_path = b.path
    assert b.find("#signature").text.endswith("verified."), b.find("#signature").text

    b.get(f"/schedule?day={start.date().isoformat()}")
    row = b.find(f"tr#visit-{visit_id}")
    assert "Completed" in row.text, row.text
    assert not b.exists(f"#start-note-{visit_id}")
    assert b.find(f"a#open-note-{visit_id}").get_attribute("href").endswith(note_path)
    # Cancelling is no longer offered on the patient's page.
    b.get(f"/patients/{pid}/appointments")
    assert not b.exists(f"button#cancel-{visit_id}")
    assert not problems, "\n".join(problems)


def test_the_schedule_refuses_a_bad_day_and_shows_every_clinician_to_the_front_desk(browser: Browser):
    b = browser
    b.sign_in("fran.desk")
    b.get("/schedule?day=2026-13-40")
    assert "must be a date written YYYY-MM-DD" in b.find("#form-errors").text, page_problem(b, "a bad day")
    # The demo books the day it was seeded (today, or yesterday if the run crossed the clinic's midnight) for both therapists.
    today = clinic_now().date()
    for day in (today, today - dt.timedelta(days=1)):
        b.get(f"/schedule?clinician=all&day={day.isoformat()}")
        if b.exists("table#schedule"):
            break
    clinicians = {r.find_elements(By.CSS_SELECTOR, "td")[2].text for r in b.find_all("table#schedule tbody tr")}
    assert {"Ana Lindqvist, LMT", "Ben Okafor, LMT"} <= clinicians, page_problem(b, "the demo day")
    # ben.lmt's own day has his visit and none of Ana's patients.
    b.sign_out()
    b.sign_in("ben.lmt")
    b.get(f"/schedule?day={day.isoformat()}")
    names = {r.find_elements(By.CSS_SELECTOR, "td")[2].text for r in b.find_all("table#schedule tbody tr")}
    assert names == {"Ben Okafor, LMT"}, page_problem(b, "ben's day")
