"""Issue 13 in the browser: the clinic's clock, licenses and the series book.

The administrator moves the demo clinic to America/Chicago (an abbreviation is refused first), renews Ana's license on
the compliance page and records Ben's as lapsed; the front desk books a twice-weekly series for Ana across the
November 2027 change, and every visit reads 09:00 while its UTC instant moves by an hour; Ben cannot be booked and
cannot sign a note. axe on the compliance page and the series report. Everything the test changes in the shared demo
(zone, licenses) is put back at the end, pass or fail.
"""

from __future__ import annotations

import datetime as dt
import re

import requests

from kwbrowser import Browser, clinic_now, http_sign_in
from test_assessment import ana_http, ana_patients, by_id, claim_patient, fill  # noqa: F401
from test_episode import page_problem, select_value, set_date
from test_referrals import sign_session_note

SERIES_UTC = ["2027-10-26T14:00:00Z", "2027-10-28T14:00:00Z", "2027-11-02T14:00:00Z", "2027-11-04T14:00:00Z",
              "2027-11-09T15:00:00Z", "2027-11-11T15:00:00Z"]


def admin_api(server, password: str) -> requests.Session:
    """The administrator over HTTP with the session's CSRF token on every request (the API's JSON writes)."""
    s = http_sign_in(server.url, "admin", password)
    m = re.search(r'name="_csrf" value="([^"]+)"', s.get(server.url + "/account", timeout=30).text)
    assert m, "no CSRF token on /account"
    s.headers["X-CSRF-Token"] = m.group(1)
    return s


def licenses(api: requests.Session, server) -> dict[str, dict]:
    """Each demo clinician's Oregon LMT license as the API has it, by name."""
    items = api.get(server.url + "/api/v1/compliance", timeout=30).json()["items"]
    out = {}
    for c in items:
        for s in c["licenses"]:
            if s["license"]["kind"] == "LMT":
                out[c["name"]] = {"userId": c["userId"], **s["license"]}
    return out


def save_license(api: requests.Session, server, lic: dict, **change) -> None:
    body = {k: lic[k] for k in ("kind", "jurisdiction", "number", "issuedOn", "expiresOn", "status", "verification", "verifiedOn")} | change
    r = api.post(f"{server.url}/api/v1/clinicians/{lic['userId']}/licenses", json=body, timeout=30)
    assert r.status_code == 201, r.text


def test_a_chicago_clinic_books_a_series_at_nine_and_a_lapsed_license_stops_booking_and_signing(
        browser: Browser, server, demo_password, ana_http, ana_patients):  # noqa: F811
    b = browser
    api = admin_api(server, demo_password)
    before = licenses(api, server)
    ana, ben = before["Ana Lindqvist, LMT"], before["Ben Okafor, LMT"]
    zone = api.get(server.url + "/api/v1/clinic-settings", timeout=30).json()["timeZone"]
    today = clinic_now().date()
    try:
        # 1. The administrator: the clinic's zone (CST is refused), Ana renewed, Ben lapsed. --------------------------
        b.sign_in("admin")
        b.get("/admin/clinic")
        box = b.find("input#timeZone")
        box.clear()
        box.send_keys("CST")
        b.submit_form("#settings-submit")
        assert "IANA time-zone name" in b.find("#form-errors").text, page_problem(b, "an abbreviation as the zone")
        box = b.find("input#timeZone")
        box.clear()
        box.send_keys("America/Chicago")
        b.submit_form("#settings-submit")
        assert "times in America/Chicago" in b.find("footer").text, page_problem(b, "saving the zone")

        b.get("/admin/compliance")
        section = f"#clinician-{ana['userId'].lower()}"
        b.find(f"{section} details summary").click()
        form = f"#license-form-{ana['userId'].lower()}"
        select_value_in(b, form, "kind", "LMT")
        fill(b.find(f"{form} input[name=jurisdiction]"), "OR")
        fill(b.find(f"{form} input[name=number]"), ana["number"])
        set_date(b, b.find(f"{form} input[name=issuedOn]"), ana["issuedOn"])
        set_date(b, b.find(f"{form} input[name=expiresOn]"), "2029-01-31")
        set_date(b, b.find(f"{form} input[name=verifiedOn]"), today.isoformat())
        b.submit_form(f"{form} button[type=submit]")
        assert "License saved." in b.find(".flash").text, page_problem(b, "renewing Ana's license")
        save_license(api, server, ben, expiresOn=(today - dt.timedelta(days=1)).isoformat())
        b.get("/admin/compliance")
        gate = b.find(f"#clinician-{ben['userId'].lower()} .gate").text
        assert "May not be booked or sign notes in OR" in gate and "expired on" in gate, gate
        b.assert_axe_clean("compliance page")
        b.use_tablet()
        b.get("/admin/compliance")
        b.assert_axe_clean("compliance page (tablet)")
        b.use_desktop()
        b.sign_out()

        # 2. The front desk books a twice-weekly series for Ana across the November change. -------------------------
        pid = claim_patient(server, ana_http, ana_patients, without_visits=True)["id"]
        b.sign_in("fran.desk")
        b.get(f"/patients/{pid}/appointments")
        assert "times in America/Chicago" in b.find("footer").text
        ana_option = next(o.get_attribute("value") for o in b.find_all("select#series-clinicianId option") if o.text.startswith("Ana "))
        select_value(b, "series-clinicianId", ana_option)
        set_date(b, by_id(b, "series-firstDay"), "2027-10-25")
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
            box = by_id(b, f"series-day-{day}")
            if box.is_selected() != (day in ("tuesday", "thursday")):
                box.click()
        b.driver.execute_script("arguments[0].value = '09:00';", by_id(b, "series-time"))
        fill(by_id(b, "series-weeks"), "3")
        fill(by_id(b, "series-minutes"), "60")
        b.submit_form("button#series-submit")
        assert "6 visits booked; 0 could not be booked." in b.find("#series-summary").text, page_problem(b, "booking the series")
        booked = [li.text for li in b.find_all("section#booked li")]
        assert len(booked) == 6 and all(" 09:00, 60 min" in t for t in booked), booked
        b.assert_axe_clean("series report")
        r = api.get(f"{server.url}/api/v1/patients/{pid}/appointments", timeout=30).json()["items"]
        assert sorted(v["start"] for v in r if v.get("seriesId")) == SERIES_UTC

        # Ben's license lapsed yesterday: he cannot be booked.
        kw4 = api.get(server.url + "/api/v1/patients?record=KW-000004", timeout=30).json()["items"][0]["id"]
        b.get(f"/patients/{kw4}/appointments")
        ben_option = next(o.get_attribute("value") for o in b.find_all("select#clinicianId option") if o.text.startswith("Ben "))
        select_value(b, "clinicianId", ben_option)
        b.driver.execute_script("arguments[0].value = arguments[1];", by_id(b, "start"), f"{(today + dt.timedelta(days=2)).isoformat()}T08:00")
        b.submit_form("button#book-submit")
        errors = b.find("#form-errors").text
        assert "is not licensed to treat in OR" in errors and "expired on" in errors, page_problem(b, "booking a lapsed clinician")
        b.sign_out()

        # 3. Ben cannot sign a note either. -------------------------------------------------------------------------------
        b.sign_in("ben.lmt")
        b.get(f"/patients/{kw4}/notes/new")
        sign_session_note(b, kw4, expect_signed=False)
        assert "is not licensed to treat in OR" in b.find("#form-errors").text, page_problem(b, "signing with a lapsed license")
        b.sign_out()
    finally:
        api.put(server.url + "/api/v1/clinic-settings", json={"timeZone": zone}, timeout=30)
        save_license(api, server, ana)
        save_license(api, server, ben)


def select_value_in(b: Browser, form: str, name: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select
    Select(b.find(f"{form} select[name={name}]")).select_by_value(value)
