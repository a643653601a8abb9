"""Progress reports and the shared plan through the real browser (issue 11).

max.md refers one of ana.lmt's patients for 3 visits; ana.lmt starts the plan of care from the referral (its diagnosis
carried over); pat.pt adds a physical-therapy goal to the same plan, a team note, a task for ana.lmt and a message;
ana.lmt finds the task and the message on her worklist, answers and marks the task done, signs a session, sees the counter's alert (2 visits left) and the report falling due, drafts the report
from the data, writes the narrative, signs and sends it; it lands in max.md's inbox, who opens and acknowledges it.
axe (serious and critical) runs on every new page.
"""

from __future__ import annotations

import datetime as dt
import re

from kwbrowser import Browser, clinic_now
from test_assessment import UUID, ana_http, ana_patients, by_id, claim_patient, fill  # noqa: F401
from test_episode import audit, click_nav, page_problem, select_only, select_value, set_date
from test_referrals import refer, sign_session_note


def claim_patient_with_pt(server, ana_http, ana_patients) -> str:  # noqa: F811
    """One of ana's patients whose care team has pat.pt too."""
    for _ in range(12):
        pid = claim_patient(server, ana_http, ana_patients)["id"]
        if "Physical therapy" in ana_http.get(f"{server.url}/patients/{pid}/team", timeout=30).text:
            return pid
    raise AssertionError("no patient of ana.lmt with pat.pt on the team")


def test_a_report_falls_due_is_signed_and_acknowledged_in_the_providers_inbox(browser: Browser, server, ana_http, ana_patients):  # noqa: F811
    b = browser
    pid = claim_patient_with_pt(server, ana_http, ana_patients)
    problems: list[str] = []
    today = clinic_now().date()

    # 1. The provider refers for 3 visits.
    b.sign_in("max.md")
    dates = {"receivedOn": today.isoformat(), "start": today.isoformat(), "expiry": (today + dt.timedelta(days=60)).isoformat()}
    b.get(f"/patients/{pid}/referrals")
    max_id = next(o.get_attribute("value") for o in b.find_all("select#providerUserId option") if o.text.startswith("Max "))
    refer(b, pid, {"diagnoses[0]": "M54.2", "service": "Medical massage (97140)", "authorizedVisits": "3", **dates}, max_id)
    assert re.fullmatch(f"/patients/{pid}/referrals/{UUID}", b.path), page_problem(b, "saving the referral")
    b.sign_out()

    # 2. The therapist plans from the referral: its diagnosis is on the form already.
    b.sign_in("ana.lmt")
    b.get(f"/patients/{pid}/referrals")
    b.click_and_wait(b.find("table#referrals a[href*='/referrals/']"))
    b.click_and_wait(b.find("a#plan-from-referral"))
    assert b.path.startswith(f"/patients/{pid}/plans/new?referral="), page_problem(b, "the plan from the referral")
    assert by_id(b, "problems[0].icd10").get_attribute("value") == "M54.2"
    fill(by_id(b, "goals[0].description"), "Pain below 3")
    select_value(b, "goals[0].measure", "instrument:NRS-NOW")
    fill(by_id(b, "goals[0].baseline"), "6")
    fill(by_id(b, "goals[0].target"), "3")
    set_date(b, by_id(b, "goals[0].targetDate"), (today + dt.timedelta(weeks=6)).isoformat())
    select_value(b, "techniques[0].technique", "myofascial-release")
    select_only(b, "techniques[0].regions", ["neck-back.left"])
    for name, value in (("frequencyPerWeek", "1"), ("durationWeeks", "6"), ("endGoal", "Drive without neck pain"),
                        ("dischargeCriteria", "Pain below 3 twice in a row")):
        box = by_id(b, name)
        box.clear()
        fill(box, value)
    set_date(b, by_id(b, "start"), today.isoformat())
    set_date(b, by_id(b, "reEvaluationDate"), (today + dt.timedelta(weeks=4)).isoformat())
    b.submit_form("button#plan-submit")
    assert re.fullmatch(f"/patients/{pid}/plans/{UUID}\\?saved=1", b.path), page_problem(b, "creating the plan")
    plan_path = b.path.split("?")[0]
    b.submit_form("button#status-active")
    assert b.find("#plan-status").text == "Active", page_problem(b, "activating the plan")
    b.sign_out()

    # 2b. The physical therapist adds a goal of their own discipline to the same plan, and a team note.
    b.sign_in("pat.pt")
    b.get(plan_path)
    fill(by_id(b, "goals[1].description"), "Sit through a two-hour meeting")
    select_value(b, "goals[1].measure", "instrument:NDI")
    fill(by_id(b, "goals[1].baseline"), "34")
    fill(by_id(b, "goals[1].target"), "16")
    set_date(b, by_id(b, "goals[1].targetDate"), (today + dt.timedelta(weeks=6)).isoformat())
    b.submit_form("button#plan-submit")
    assert b.path == plan_path + "?saved=1", page_problem(b, "the PT's revision")
    click_nav(b, "Chart and progress")
    goals = b.find("section#goals").text
    assert "Massage therapy · Ana Lindqvist, LMT" in goals and "Physical therapy · Pat Moreau, PT" in goals, goals
    click_nav(b, "Care team")
    fill(by_id(b, "text"), "Cervical rotation 60 degrees left; added a neck disability goal.")
    b.submit_form("button#team-note-save")
    assert "Team note signed and added." in b.find(".flash").text, page_problem(b, "the team note")
    assert "Physical therapy" in b.find("#team-notes").text
    b.get(f"/patients/{pid}/team")  # audit() reloads the page: a GET, not the note's POST again
    assert len(b.find_all("#team-notes li")) == 1, "the team note was saved once"
    audit(b, "care team", problems)
    # ... sets ana a task and writes to the team.
    ana_id = next(o.get_attribute("value") for o in b.find_all("select#assigneeId option") if o.text.startswith("Ana "))
    fill(by_id(b, "title"), "Measure the neck disability goal at the next visit")
    select_value(b, "assigneeId", ana_id)
    set_date(b, by_id(b, "dueOn"), (today + dt.timedelta(days=3)).isoformat())
    b.submit_form("button#task-save")
    assert "Task set." in b.find(".flash").text, page_problem(b, "setting a task")
    fill(by_id(b, "subject"), "Neck disability goal")
    fill(by_id(b, "body"), "I added an NDI goal; could you have it filled in at your visits?")
    b.submit_form("button#message-send")
    assert "Message sent to the team." in b.find(".flash").text, page_problem(b, "sending a message")
    b.sign_out()

    # 2c. The therapist finds both on her worklist, answers and marks the task done.
    b.sign_in("ana.lmt")
    b.get("/tasks")
    assert "Measure the neck disability goal" in b.find("#task-list").text, b.find("#task-list").text
    audit(b, "worklist", problems)
    b.click_and_wait(next(a for a in b.find_all("#unread-messages a") if a.text == "Neck disability goal"))
    assert "I added an NDI goal" in b.find("#thread-messages").text
    audit(b, "message thread", problems)
    fill(by_id(b, "body"), "Yes, from the next visit.")
    b.submit_form("button#reply-send")
    assert "Yes, from the next visit." in b.find("#thread-messages").text, page_problem(b, "replying")
    b.get(f"/patients/{pid}/team")
    b.click_and_wait(next(x for x in b.find_all("#patient-tasks button") if "Measure the neck" in x.get_attribute("aria-label")))
    assert "Done: Measure the neck disability goal" in b.find(".flash").text, page_problem(b, "marking the task done")
    b.get(f"/patients/{pid}")

    # 3. One signed session: 2 visits left, the alert shows and the report falls due.
    click_nav(b, "Chart and progress")
    b.click_and_wait(b.find("a#new-note"))
    sign_session_note(b, pid)
    b.get(f"/patients/{pid}")
    assert "2 visits left" in b.find("#visit-counters").text, b.find("#visit-counters").text
    click_nav(b, "Progress reports")
    assert b.path == f"/patients/{pid}/reports", b.path
    due = b.find("#report-due").text
    assert "A progress report is due" in due and "2 visits left" in due, due
    audit(b, "progress reports", problems)

    # 4. Drafted from the data, written, signed and sent.
    b.submit_form("button#report-draft")
    assert re.fullmatch(f"/patients/{pid}/reports/{UUID}", b.path), page_problem(b, "drafting the report")
    report_path = b.path
    assert "1 of 3 authorized visits used, 2 left" in b.find("#report-sessions").text, b.find("#report-sessions").text
    assert "Pain below 3" in b.find("#report-goals").text
    assert by_id(b, "requestRenewal").is_selected(), "a report at the end of a referral asks for its renewal"
    audit(b, "progress report draft", problems)
    b.submit_form("button#report-sign")
    assert "Write the narrative before signing." in b.find("#form-errors").text, page_problem(b, "signing without a narrative")
    fill(by_id(b, "narrative"), "Turns the head further when driving; pain down from 6.")
    b.submit_form("button#report-sign")
    assert b.path == report_path, page_problem(b, "signing the report")
    assert "Signed and sent." in b.find(".flash").text
    assert "Knotwork inbox" in b.find("#delivery-log").text and "not yet acknowledged" in b.find("#delivery-log").text
    assert not b.exists("#report-form"), "a signed report offers no form"
    b.get(report_path)  # audit() reloads the page: a GET, not the signing POST again
    audit(b, "signed progress report", problems)
    b.sign_out()

    # 5. The provider's inbox: open the report, acknowledge it.
    b.sign_in("max.md")
    b.click_and_wait(next(a for a in b.find_all("nav#main-nav a") if a.text == "Inbox"))
    assert b.path == "/inbox", b.path
    audit(b, "inbox", problems)
    row = next(r for r in b.find_all("table#inbox tbody tr") if "Acknowledge" in r.text)
    b.click_and_wait(row.find_element("css selector", "a[href*='/reports/']"))
    assert b.path == report_path and "Turns the head further when driving" in b.main_text()
    b.click_and_wait(next(a for a in b.find_all("nav#main-nav a") if a.text == "Inbox"))
    row = next(r for r in b.find_all("table#inbox tbody tr") if "Acknowledge" in r.text)
    b.click_and_wait(row.find_element("css selector", "button"))
    assert "Acknowledged." in b.find(".flash").text
    b.get(report_path)
    assert "Acknowledged" in b.find("#delivery-log").text, b.find("#delivery-log").text
    assert not problems, "\n".join(problems)
