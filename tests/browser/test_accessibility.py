"""axe-core on every kind of page, at a desktop and a tablet viewport, and tablet layout.

A page fails on any axe violation of impact "serious" or "critical"; every violation (of any
impact) is printed, so `pytest -rA` or a failure shows them all.
"""

from __future__ import annotations

import uuid

import pytest

from kwbrowser import Browser, describe_violations


def _chart(b: Browser) -> None:
    b.get("/patients")
    b.click_and_wait(b.find_all("table#patient-results a.patient-link")[0])
    assert b.exists("section#demographics")


def _open_details(b: Browser) -> None:
    """Opens every collapsed section (care-team form, emergency access) so that axe sees it."""
    for summary in b.find_all("main details:not([open]) > summary"):
        summary.click()


def signin(b: Browser) -> None:
    b.get("/signin")


def signin_error(b: Browser) -> None:
    b.get("/signin")
    b.fill_sign_in(f"nobody-{uuid.uuid4().hex[:8]}", "not-the-password")
    b.submit_form("button#signin-submit")
    assert b.exists("#form-errors")


def patient_list(b: Browser) -> None:
    b.get("/patients")
    _open_details(b)
    assert b.exists("table#patient-results")


def patient_search_none(b: Browser) -> None:
    b.search("zzzzqx")
    assert not b.exists("table#patient-results")


def chart(b: Browser) -> None:
    _chart(b)
    _open_details(b)


def break_glass_errors(b: Browser) -> None:
    b.get("/patients")
    _open_details(b)
    # Filled in (the fields are required) but refused by the server: unknown record, short reason.
    b.find("form#break-glass input#recordNumber").send_keys("KW-999999")
    b.find("form#break-glass input#reason").send_keys("short")
    b.submit_form("form#break-glass button[type=submit]")
    assert b.exists("#form-errors")


def new_patient(b: Browser) -> None:
    b.get("/patients/new")


def new_patient_errors(b: Browser) -> None:
    b.get("/patients/new")
    b.submit_form("button#patient-submit")
    assert b.exists("#form-errors")


def edit_patient(b: Browser) -> None:
    _chart(b)
    b.click_and_wait(b.find("a#edit-patient"))
    assert b.exists("form#patient-form")


def account(b: Browser) -> None:
    b.get("/account")


def admin_users(b: Browser) -> None:
    b.get("/admin/users")


def admin_audit(b: Browser) -> None:
    b.get("/admin/audit")
    assert b.exists("table#audit-events")


def audit_verify(b: Browser) -> None:
    b.get("/admin/audit/verify")


def admin_outbox(b: Browser) -> None:
    b.get("/admin/outbox")
    assert b.exists("#test-form")


def admin_outbox_errors(b: Browser) -> None:
    b.get("/admin/outbox")
    b.find("#to").send_keys("not-an-address")
    b.submit_form("#test-form button[type=submit]")
    assert b.exists(".error-summary")


def icd10_catalog(b: Browser) -> None:
    b.get("/catalog/icd10?q=cervicalgia")
    assert b.exists("table#icd10-results")


def coverage_overrides(b: Browser) -> None:
    b.get("/admin/coverage-overrides")


def clinic_settings(b: Browser) -> None:
    b.get("/admin/clinic")
    assert b.exists("main form")


def my_credentials(b: Browser) -> None:
    b.get("/account/credentials")
    assert b.exists("form#license-form") and b.exists("form#course-form")


def my_credentials_errors(b: Browser) -> None:
    b.get("/account/credentials")
    b.submit_form("form#course-form button[type=submit]")
    assert b.exists("#form-errors")


def admin_compliance(b: Browser) -> None:
    b.get("/admin/compliance")
    _open_details(b)
    assert b.exists("section.clinician-credentials")


def admin_ce_rules(b: Browser) -> None:
    b.get("/admin/ce-rules")
    _open_details(b)
    assert b.exists("table#ce-rules")


def patient_appointments(b: Browser) -> None:
    _chart(b)
    b.click_and_wait(b.find("a#appointments-link"))
    assert b.exists("form#series-form")


def not_found(b: Browser) -> None:
    b.get(f"/patients/{uuid.uuid4()}")
    assert b.h1() == "Not found"


def not_found_signed_out(b: Browser) -> None:
    b.get("/no-such-page")
    assert b.h1() == "Not found"


# (id, user or None, how to reach the page)
PAGES = [
    ("signin", None, signin),
    ("signin-error", None, signin_error),
    ("patients-clinician", "ana.lmt", patient_list),
    ("patients-front-desk", "fran.desk", patient_list),
    ("patients-no-results", "ana.lmt", patient_search_none),
    ("chart-clinician", "ana.lmt", chart),
    ("chart-front-desk", "fran.desk", chart),
    ("break-glass-errors", "ana.lmt", break_glass_errors),
    ("new-patient", "fran.desk", new_patient),
    ("new-patient-errors", "fran.desk", new_patient_errors),
    ("edit-patient", "fran.desk", edit_patient),
    ("account", "ana.lmt", account),
    ("admin-users", "admin", admin_users),
    ("admin-audit", "admin", admin_audit),
    ("audit-verify", "admin", audit_verify),
    ("admin-outbox", "admin", admin_outbox),
    ("admin-outbox-errors", "admin", admin_outbox_errors),
    ("icd10-catalog", "ana.lmt", icd10_catalog),
    ("coverage-overrides", "admin", coverage_overrides),
    ("clinic-settings", "admin", clinic_settings),
    ("my-credentials", "ben.lmt", my_credentials),
    ("my-credentials-errors", "ben.lmt", my_credentials_errors),
    ("admin-compliance", "admin", admin_compliance),
    ("admin-ce-rules", "admin", admin_ce_rules),
    ("patient-appointments", "fran.desk", patient_appointments),
    ("not-found", "ana.lmt", not_found),
    ("not-found-signed-out", None, not_found_signed_out),
]

TABLET_PAGES = ["signin", "patients-clinician", "patients-front-desk", "chart-clinician", "chart-front-desk",
                "new-patient-errors", "account", "admin-users", "admin-audit", "admin-outbox", "icd10-catalog",
                "coverage-overrides", "clinic-settings", "my-credentials", "my-credentials-errors", "admin-compliance", "admin-ce-rules",
                "patient-appointments"]


def _visit(b: Browser, user: str | None, setup) -> None:
    if user:
        b.sign_in(user)
    setup(b)


@pytest.mark.parametrize("user,setup", [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_axe_desktop(browser: Browser, user, setup):
    _visit(browser, user, setup)
    browser.assert_axe_clean(setup.__name__)


@pytest.mark.parametrize("user,setup", [p[1:] for p in PAGES if p[0] in TABLET_PAGES],
                         ids=[p[0] for p in PAGES if p[0] in TABLET_PAGES])
def test_tablet_layout_and_axe(browser: Browser, user, setup):
    b = browser
    b.use_tablet()
    _visit(b, user, setup)
    m = b.horizontal_overflow()
    assert m["clientWidth"] == 820, f"tablet viewport not applied: {m}"
    problems = []
    if m["scrollWidth"] > m["clientWidth"] + 1:
        problems.append(f"the page scrolls sideways at 820 px: scrollWidth {m['scrollWidth']} > clientWidth "
                        f"{m['clientWidth']}; widest: {m['wide']}")
    blocking = b.axe(setup.__name__ + " (tablet)")
    if blocking:
        problems.append("axe: serious/critical violations at tablet size:\n" + describe_violations(blocking))
    assert not problems, "\n".join(problems)
