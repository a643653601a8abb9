"""Referrals and their visit counters through the real browser (issue 11).

max.md refers one of ana.lmt's patients from the patient's Referrals page (an outside provider's NPI with a wrong
check digit is refused on its field first); ana.lmt signs a session note, which counts against the referral, and the
patient page then shows the counter with its alert (2 visits left). axe (serious and critical) and the sideways-scroll
check run on the referral pages at the desktop size and at 768 px.
"""

from __future__ import annotations

import datetime as dt
import re

from kwbrowser import Browser, clinic_now
from test_assessment import UUID, ana_http, ana_patients, by_id, claim_patient, fill  # noqa: F401
from test_episode import audit, page_problem, select_only, select_value, set_date, set_datetime_local


def sign_session_note(b: Browser, pid: str, expect_signed: bool = True) -> None:
    """Fills the open session-note form (two hours ago, 55 minutes of myofascial release) and signs it; with
    `expect_signed`, asserts that the signed note opened."""
    for box in b.find_all("form#note-form #pre-session input[type=checkbox][name=acknowledged]"):
        if not box.is_selected():
            box.click()
    if b.exists("#holdOverrideReason"):
        fill(by_id(b, "holdOverrideReason"), "Cleared by phone with the medical provider")
    start = clinic_now() - dt.timedelta(hours=2)
    set_datetime_local(b, by_id(b, "timeIn"), start.strftime("%Y-%m-%dT%H:%M"))
    set_datetime_local(b, by_id(b, "timeOut"), (start + dt.timedelta(minutes=55)).strftime("%Y-%m-%dT%H:%M"))
    select_value(b, "subjective.painToday", "5")
    fill(by_id(b, "subjective.text"), "Neck stiff after work")
    select_value(b, "interventions[0].technique", "myofascial-release")
    select_only(b, "interventions[0].regions", ["neck-back.left"])
    fill(by_id(b, "interventions[0].minutes"), "40")
    select_value(b, "painAfter", "3")
    b.submit_form("button#note-sign")
    if expect_signed:
        assert re.fullmatch(f"/patients/{pid}/notes/{UUID}", b.path), page_problem(b, "signing the note")


def refer(b: Browser, pid: str, fields: dict[str, str], provider: str | None) -> None:
    b.get(f"/patients/{pid}/referrals")
    select_value(b, "kind", "order")
    if provider:
        select_value(b, "providerUserId", provider)
    for name, value in fields.items():
        if name in ("receivedOn", "start", "expiry"):
            set_date(b, by_id(b, name), value)
        else:
            fill(by_id(b, name), value)
    b.submit_form("button#referral-save")


def test_a_provider_refers_and_a_signed_session_counts_with_its_alert(browser: Browser, server, ana_http, ana_patients, tmp_path):  # noqa: F811
    b = browser
    patient = claim_patient(server, ana_http, ana_patients)
    pid = patient["id"]
    problems: list[str] = []
    today = clinic_now().date()

    # 1. max.md refers: an outside NPI with a wrong check digit is refused on its field, then his own order is saved.
    b.sign_in("max.md")
    b.get(f"/patients/{pid}")
    b.click_and_wait(next(a for a in b.find_all("nav.chart-nav a") if a.text == "Referrals"))
    assert b.path == f"/patients/{pid}/referrals", page_problem(b, "the Referrals page")
    audit(b, "referrals", problems)
    dates = {"receivedOn": today.isoformat(), "start": today.isoformat(), "expiry": (today + dt.timedelta(days=60)).isoformat()}
    refer(b, pid, {"external.name": "Dr. Rowan Vale", "external.npi": "1234567890", "diagnoses[0]": "M54.2", "authorizedVisits": "3", **dates}, None)
    assert "its check digit is wrong" in b.find("#referral-form").text, page_problem(b, "a wrong NPI")
    assert not b.exists("table#referrals"), "a refused referral was saved"
    options = {o.text: o.get_attribute("value") for o in b.find_all("select#providerUserId option")}
    max_id = next(v for k, v in options.items() if k.startswith("Max "))
    b.get(f"/patients/{pid}/referrals")
    refer(b, pid, {"diagnoses[0]": "M54.2", "service": "Medical massage: myofascial release (97140)", "authorizedVisits": "3", **dates}, max_id)
    assert re.fullmatch(f"/patients/{pid}/referrals/{UUID}", b.path), page_problem(b, "saving the referral")
    assert "0 of 3 used, 3 left" in b.find("#referral-counter").text, b.find("#referral-counter").text
    audit(b, "a referral", problems)
    # The scanned order: a script named .pdf is refused on its field (its bytes were read), then a real PDF is attached.
    referral_path = b.path
    fake = tmp_path / "order.pdf"
    fake.write_bytes(b"#!/bin/sh\necho not a pdf\n")
    by_id(b, "document").send_keys(str(fake))
    b.submit_form("button#document-submit")
    assert "its content was checked, not its name" in b.find("#scanned-order").text, page_problem(b, "a disguised upload")
    assert "No scanned order is attached." in b.find("#scanned-order").text
    real = tmp_path / "order from Dr Max.pdf"
    real.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    b.get(referral_path)
    by_id(b, "document").send_keys(str(real))
    b.submit_form("button#document-submit")
    assert "Download order from Dr Max.pdf" in b.find("#scanned-order").text, page_problem(b, "attaching the scanned order")
    audit(b, "a referral with its scanned order", problems)
    b.sign_out()

    # 2. ana.lmt signs a session: the note form names the referral it counts against. ---------------------------
    b.sign_in("ana.lmt")
    b.get(f"/patients/{pid}/notes/new")
    assert "Automatic: Referral from Max" in b.find("#coverage").text, page_problem(b, "the note's visit counter")
    sign_session_note(b, pid)

    # 3. The patient page shows the counter with its alert. --------------------------------------------------------
    b.get(f"/patients/{pid}")
    counters = b.find("#visit-counters").text
    assert "1 of 3 used, 2 left" in counters and "2 visits left" in counters, counters
    assert not problems, "\n".join(problems)
