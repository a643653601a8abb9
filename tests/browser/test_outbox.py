"""Issue 11, parts 6 and 7 in the browser: the administrator checks the mail relay from the outbox page (a bad address
is named, a good one is queued), sets the clinic's letterhead, and a therapist's signature details appear under a
signed note with that letterhead."""
from kwbrowser import Browser
from test_assessment import ana_http, ana_patients, claim_patient  # noqa: F401
from test_referrals import sign_session_note


def test_outbox_queues_a_test_message_and_names_a_bad_address(browser: Browser):
    b = browser
    b.sign_in("admin")
    b.click_and_wait(next(a for a in b.find_all("nav#main-nav a") if a.text == "Outbox"))
    assert b.path == "/admin/outbox" and b.h1() == "E-mail outbox"
    assert "No mail relay is configured" in b.find("#relay").text
    b.find("#to").send_keys("Dr Example <dr@example.org>")
    b.submit_form("#test-form button[type=submit]")
    assert "Recipient must" in b.find("#form-errors").text
    box = b.find("#to")
    box.clear()
    box.send_keys("front.office@example.org")
    b.submit_form("#test-form button[type=submit]")
    assert "Queued a test message to front.office@example.org" in b.find(".flash").text
    rows = [r.text for r in b.find_all("table#outbox tbody tr")]
    assert any("front.office@example.org" in r and "Waiting" in r for r in rows), rows
    b.assert_axe_clean("outbox")


def test_the_letterhead_and_the_signature_block_are_on_a_signed_note(browser: Browser, server, ana_http, ana_patients):  # noqa: F811
    b = browser
    b.sign_in("admin")
    b.get("/admin/clinic")
    name = b.find("input[name='identity.legalName']")
    assert name.get_attribute("value") == "Lakeshore Medical Massage (demo)"
    npi = b.find("input[name='identity.npi']")
    npi.clear()
    npi.send_keys("1234567890")
    b.submit_form("#settings-submit")
    assert "check digit" in b.find("#form-errors").text
    b.assert_axe_clean("clinic settings with an identity error")
    # The demo's letterhead stays as it was (nothing saved).
    b.get("/admin/clinic")
    assert b.find("input[name='identity.npi']").get_attribute("value") == "1234567893"

    b.sign_out()
    b.sign_in("ana.lmt")
    b.get("/account")
    assert b.find("#credentials").get_attribute("value") == "BCTMB"
    b.assert_axe_clean("account with professional details")
    # A note signed now shows the letterhead and the details in force.
    pid = claim_patient(server, ana_http, ana_patients)["id"]
    b.get(f"/patients/{pid}/notes/new")
    sign_session_note(b, pid)
    assert "Lakeshore Medical Massage (demo)" in b.find("#letterhead").text
    block = b.find("#signature-block").text
    assert "Ana Lindqvist, LMT, BCTMB" in block and "NPI 1987654328" in block, block
    b.assert_axe_clean("signed note with letterhead")
