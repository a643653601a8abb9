"""A whole episode of care through the real browser (issue 4): "a whole episode with a demo patient: assessment,
plan, six sessions with falling pain, the chart showing the goal reached beyond its meaningful change, discharge
summary signed."

ana.lmt takes one of her demo patients without an assessment: an initial evaluation about eight weeks ago (intake,
NRS pain 7), a plan of care from that day (M54.2, goal "pain below 3" on NRS-NOW from 7 to 3, myofascial release
once a week for eight weeks), made active; six weekly session notes with pain today 7, 6, 5, 4, 3, 2, each saved
and signed; the chart then shows the goal met, its chart and table, the relief chart and six notes on the timeline;
the discharge summary is drafted from the data, signed, and closes the plan.

axe (serious and critical) and the sideways-scroll check run on the plan form, the new session note, the chart and
the drafted discharge summary, at the desktop size and at 768 px. Their problems are collected and reported together
at the end, after the episode itself has been checked.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

import kwbrowser
from kwbrowser import Browser, clinic_now, describe_violations
from test_assessment import (TABLET_768, UUID, _sideways, ana_http, ana_patients, by_id, choose_measure,  # noqa: F401
                             claim_patient, current_path, fill, measure_rows, open_entry, rows, use_viewport)

# §1.1, Core's instrument table (KnotworkCore/Measures/Instruments.swift): NRS 0-10, the meaningful change is
# 2 points (Farrar 2001). The goal must end further than this below its baseline.
NRS_MEANINGFUL_CHANGE = 2.0

PAIN_TODAY = [7, 6, 5, 4, 3, 2]
BASELINE, TARGET = 7, 3
REGION = "neck-back.left"
TECHNIQUE = "myofascial-release"

# What the episode left behind for the checks of known bugs below: {"pid", "plan"}.
_EPISODE: dict[str, str] = {}


# Helpers ----------------------------------------------------------------------------------------------


def set_date(b: Browser, box: WebElement, iso: str) -> None:
    """Types a date into an <input type=date> (cleared first), as a keyboard user does."""
    box.clear()
    if box.get_attribute("value"):  # some date inputs keep their value on clear(): empty it the way a script would
        b.driver.execute_script("arguments[0].value = '';", box)
    b.type_date(box, iso)


def set_datetime_local(b: Browser, box: WebElement, value: str) -> None:
    """Sets an <input type=datetime-local> ("YYYY-MM-DDTHH:MM"). Typing into its segments is unreliable in headless
    Chromium, so the value is set as the picker would set it, with the input and change events the page listens to."""
    b.driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", box, value)
    assert box.get_attribute("value") == value, f"could not set {box.get_attribute('id')} to {value} ({box.get_attribute('value')!r})"


def select_value(b: Browser, element_id: str, value: str) -> None:
    Select(by_id(b, element_id)).select_by_value(value)


def select_only(b: Browser, element_id: str, values: list[str]) -> None:
    """A <select multiple> with exactly these options chosen (a copied-forward note may have chosen others)."""
    s = Select(by_id(b, element_id))
    s.deselect_all()
    for v in values:
        s.select_by_value(v)
    assert sorted(o.get_attribute("value") for o in s.all_selected_options) == sorted(values)


def click_nav(b: Browser, label: str) -> None:
    """Follows a link of the chart's navigation by its text."""
    links = [a for a in b.find_all("nav.chart-nav a") if a.text.strip() == label]
    assert links, f"no {label!r} in the chart navigation on {b.path}"
    b.click_and_wait(links[0])


def page_problem(b: Browser, what: str) -> str:
    """The current page's address and the start of its text, for an assertion message."""
    return f"{what}: now at {b.path}\n{b.main_text()[:900]}"


def number(text: str) -> float:
    """The first number of a cell ("-5 (better)", "2", "−5")."""
    m = re.search(r"[-+−]?\d+(?:\.\d+)?", text)
    assert m, f"no number in {text!r}"
    return float(m.group(0).replace("−", "-"))


def audit(b: Browser, page: str, problems: list[str]) -> None:
    """axe at the desktop size and at 768 px (and no sideways scroll there) on the page the browser shows; reloads it
    at each size so that the layout is the one a device of that width gets. Problems go to `problems`."""
    for viewport in ("desktop", "tablet-768"):
        if viewport == "desktop":
            b.use_desktop()
        else:
            use_viewport(b, *TABLET_768)
        kwbrowser.wait_for_new_page(b.driver, b.driver.refresh)
        assert b.exists("main#main h1"), page_problem(b, f"{page} did not load again")
        b.driver.execute_script("document.querySelectorAll('main details').forEach(function (d) { d.open = true; });")
        if viewport != "desktop":
            overflow = b.horizontal_overflow()
            assert overflow["clientWidth"] == TABLET_768[0], f"the 768 px viewport was not applied: {overflow}"
            wide = _sideways(b)
            if overflow["scrollWidth"] > overflow["clientWidth"] and not wide:
                wide = [f"document {overflow['scrollWidth']} px wide: {overflow['wide']}"]
            if wide:
                problems.append(f"{page} [{viewport}]: the page scrolls sideways at {TABLET_768[0]} px: {wide}")
        blocking = b.axe(f"episode-{page} ({viewport})")
        if blocking:
            problems.append(f"{page} [{viewport}] axe:\n" + describe_violations(blocking))
    b.use_desktop()
    kwbrowser.wait_for_new_page(b.driver, b.driver.refresh)


# The episode --------------------------------------------------------------------------------------------


def test_whole_episode_to_signed_discharge(browser: Browser, server, ana_http, ana_patients):  # noqa: F811
    b = browser
    t0 = time.monotonic()
    patient = claim_patient(server, ana_http, ana_patients)
    pid = patient["id"]
    today = clinic_now().date()  # the clinic's local date
    start = today - dt.timedelta(weeks=8)  # the initial evaluation, and the plan's start
    sessions = [start + dt.timedelta(weeks=k + 1) for k in range(len(PAIN_TODAY))]  # the last one two weeks ago
    axe_problems: list[str] = []
    b.sign_in("ana.lmt")

    # 1. The initial evaluation, dated eight weeks ago: an intake and an NRS pain score of 7. -------------------
    b.get(f"/patients/{pid}")
    b.click_and_wait(b.find("a#start-assessment"))
    assert current_path(b) == f"/patients/{pid}/assessments", page_problem(b, "Start an assessment")
    form = b.find("form#assessment-form")
    Select(form.find_element(By.CSS_SELECTOR, "select[name=kind]")).select_by_value("initial")
    set_date(b, by_id(b, "assessedOn"), start.isoformat())
    b.submit_form("form#assessment-form button#assessment-submit")
    assert re.fullmatch(f"/patients/{pid}/assessments/{UUID}", b.path), page_problem(b, "starting the assessment")
    assessment = b.path
    assert b.h1().startswith(f"Initial evaluation · {start.isoformat()} · "), b.h1()

    open_entry(b, assessment, "intake")
    fill(by_id(b, "complaint.summary"), "Neck pain after long days at the desk")
    set_date(b, by_id(b, "complaint.onset"), (start - dt.timedelta(days=150)).isoformat())
    select_value(b, "complaint.mechanism", "postural")
    fill(by_id(b, "goals"), "A working day without neck pain")
    b.submit_form("button#intake-submit")
    assert b.path == assessment + "?saved=intake", page_problem(b, "saving the intake")
    assert "Neck pain after long days at the desk" in b.find("#intake-summary").text

    form = choose_measure(b, assessment, "NRS-NOW")
    fill(form.find_element(By.CSS_SELECTOR, "input[name='items[pain]']"), str(BASELINE))
    b.submit_form("button#measure-submit")
    assert b.path == assessment + "?saved=measures", page_problem(b, "saving the NRS")
    nrs = measure_rows(b, "NRS-NOW")
    assert len(nrs) == 1 and number(nrs[0][1]) == BASELINE, f"the NRS is shown as {nrs}"
    t_assessment = time.monotonic()

    # 2. The plan of care, from the chart. --------------------------------------------------------------------
    click_nav(b, "Chart and progress")
    assert b.path == f"/patients/{pid}/chart", b.path
    assert "No plan of care yet." in b.find("section#plan").text, b.find("section#plan").text
    b.click_and_wait(b.find("a#new-plan"))
    assert b.path == f"/patients/{pid}/plans/new", page_problem(b, "New plan of care")
    audit(b, "plan-form", axe_problems)

    fill(by_id(b, "problems[0].icd10"), "M54.2")
    fill(by_id(b, "problems[0].note"), "Mechanical neck pain, worse at the desk")
    fill(by_id(b, "goals[0].description"), "Pain below 3")
    select_value(b, "goals[0].measure", "instrument:NRS-NOW")
    fill(by_id(b, "goals[0].baseline"), str(BASELINE))
    fill(by_id(b, "goals[0].target"), str(TARGET))
    set_date(b, by_id(b, "goals[0].targetDate"), (today + dt.timedelta(weeks=2)).isoformat())
    select_value(b, "techniques[0].technique", TECHNIQUE)
    select_only(b, "techniques[0].regions", [REGION])
    fill(by_id(b, "frequencyPerWeek"), "1")
    fill(by_id(b, "durationWeeks"), "8")
    set_date(b, by_id(b, "start"), start.isoformat())
    set_date(b, by_id(b, "reEvaluationDate"), (start + dt.timedelta(weeks=4)).isoformat())
    fill(by_id(b, "endGoal"), "Work a full day at the desk without neck pain")
    fill(by_id(b, "dischargeCriteria"), "Pain below 3 on two visits in a row, and the home program kept up")
    b.submit_form("button#plan-submit")
    m = re.fullmatch(f"/patients/{pid}/plans/({UUID})\\?saved=1", b.path)
    assert m, page_problem(b, "creating the plan")
    plan_path = f"/patients/{pid}/plans/{m.group(1)}"
    assert b.find("#plan-status").text == "Draft", b.find("#plan-status").text
    summary = b.find("main#main dl").text
    assert "M54.2" in summary and f"{start.isoformat()} to {(start + dt.timedelta(weeks=8)).isoformat()}" in summary, summary
    b.submit_form("button#status-active")
    assert b.path == plan_path + "?saved=1", page_problem(b, "moving the plan to Active")
    assert b.find("#plan-status").text == "Active", b.find("#plan-status").text
    t_plan = time.monotonic()

    # 3. Six weekly sessions, pain today falling from 7 to 2, each saved and signed. ----------------------------
    for k, (day, pain) in enumerate(zip(sessions, PAIN_TODAY)):
        after = max(pain - 1, 0)
        click_nav(b, "Chart and progress")
        b.click_and_wait(b.find("a#new-note"))
        assert b.path == f"/patients/{pid}/notes/new", page_problem(b, "New session note")
        if k == 0:
            audit(b, "session-note", axe_problems)
        for box in b.find_all("form#note-form #pre-session input[type=checkbox][name=acknowledged]"):
            if not box.is_selected():
                box.click()
        assert not b.exists("#holdOverrideReason"), "the patient is on hold; the test chose the wrong patient"
        select_value(b, "subjective.painToday", str(pain))
        if k > 0:
            select_value(b, "subjective.changesSinceLast", "better")
        set_datetime_local(b, by_id(b, "timeIn"), f"{day.isoformat()}T10:00")
        set_datetime_local(b, by_id(b, "timeOut"), f"{day.isoformat()}T11:00")
        fill(by_id(b, "subjective.text"), f"Session {k + 1}: neck pain {pain}/10 today")
        select_value(b, "interventions[0].technique", TECHNIQUE)
        select_only(b, "interventions[0].regions", [REGION])
        fill(by_id(b, "interventions[0].minutes"), "30")
        select_value(b, "painAfter", str(after))
        b.submit_form("button#note-sign")
        assert re.fullmatch(f"/patients/{pid}/notes/{UUID}", b.path), page_problem(b, f"signing session note {k + 1}")
        signature = b.find("#signature").text
        assert signature.endswith("verified.") and "DOES NOT VERIFY" not in signature, signature
        assert b.find("#note-pain").text == f"{pain} before, {after} after", b.find("#note-pain").text
    t_sessions = time.monotonic()

    # 4. The chart: the goal met, beyond its meaningful change. -------------------------------------------------
    click_nav(b, "Chart and progress")
    assert b.path == f"/patients/{pid}/chart", b.path
    goal = b.find("section#goals li[data-goal='0']")
    assert goal.find_element(By.CSS_SELECTOR, "strong.goal-status").text == "met", goal.text
    assert "goal met: consider discharge or maintenance" in goal.text, goal.text
    assert b.exists("section#goals li[data-goal='0'] .sparkline svg"), "the goal's trend line is missing"
    notes = [li.text for li in b.find_all("section#timeline ol.timeline li") if "Session note" in li.text]
    assert len(notes) == 6 and all("signed" in n and "draft" not in n for n in notes), notes
    audit(b, "chart", axe_problems)

    # The full charts with their tables are the progress report's, one link away.
    b.click_and_wait(b.find("#progress-charts a"))
    assert b.path == f"/patients/{pid}/progress-report", b.path
    assert b.exists("section#goal-0 svg"), "the goal's progress chart is missing"
    assert b.exists("#goal-0-table"), "the goal's table is missing"
    assert b.exists("section#relief svg"), "the relief chart (pain before and after) is missing"
    relief = b.driver.execute_script(
        "return Array.from(document.querySelectorAll('#relief li')).map(function (li) { return li.textContent.trim(); });")
    assert relief == [f"{d.isoformat()}: {p} before, {max(p - 1, 0)} after" for d, p in zip(sessions, PAIN_TODAY)], relief

    table = rows(b, "#goal-0-table")
    assert table[0][0] == "Baseline" and number(table[0][2]) == BASELINE, table[0]
    values = [number(r[2]) for r in table[1:]]
    assert values[-6:] == PAIN_TODAY, f"the goal's values since the plan's start: {values}"
    latest_change = number(table[-1][3])
    assert latest_change == PAIN_TODAY[-1] - BASELINE and "better" in table[-1][3], table[-1]
    assert -latest_change > NRS_MEANINGFUL_CHANGE, (
        f"the latest value is {values[-1]}, {-latest_change} below the baseline: not beyond the NRS meaningful change")
    assert values[-1] <= TARGET, values
    responder = b.find("section#goal-0 .responder").text
    assert responder.startswith("Responder: yes") and "71 %" in responder, responder
    audit(b, "progress report", axe_problems)
    b.get(f"/patients/{pid}/chart")
    t_chart = time.monotonic()

    # 5. The discharge summary: drafted from the data, then signed; the plan is completed. ------------------------
    b.click_and_wait(b.find("a#open-discharge"))
    assert b.path == f"/patients/{pid}/discharge", page_problem(b, "Discharge summary")
    b.submit_form("button#discharge-draft")
    assert b.path == f"/patients/{pid}/discharge", page_problem(b, "drafting the discharge summary")
    goals = rows(b, "table#discharge-goals")
    assert len(goals) == 1, goals
    name, measure, baseline, final, target, status = goals[0]
    assert name == "Pain below 3" and (number(baseline), number(final), number(target)) == (BASELINE, PAIN_TODAY[-1], TARGET), goals[0]
    assert status == "met", goals[0]
    assert b.find("#discharge-sessions").text == "6", b.find("#discharge-sessions").text
    audit(b, "discharge", axe_problems)

    reason = Select(by_id(b, "reason"))
    assert reason.first_selected_option.get_attribute("value") == "goalsMet", "the draft should propose 'goals met'"
    reason.select_by_value("goalsMet")
    text = "Neck pain fell from 7 to 2 over six weekly sessions; discharged with the home program (browser test)."
    fill(by_id(b, "summary"), text)
    b.submit_form("button#discharge-sign")
    assert b.path == f"/patients/{pid}/discharge", page_problem(b, "signing the discharge summary")
    signed = b.find("#discharge-signed").text
    assert signed.endswith("verified.") and "DOES NOT VERIFY" not in signed, signed
    assert "Reason: Goals met." in signed and text in signed, signed

    b.get(plan_path)
    assert b.find("#plan-status").text == "Completed", b.find("#plan-status").text
    assert "This plan is closed." in b.find("section#plan-status-change").text
    assert not b.find_all("form#plan-status-form button"), "a completed plan still offers status changes"
    t_end = time.monotonic()
    print(f"\n[episode] assessment {t_assessment - t0:.1f} s, plan {t_plan - t_assessment:.1f} s, "
          f"sessions {t_sessions - t_plan:.1f} s, chart {t_chart - t_sessions:.1f} s, discharge {t_end - t_chart:.1f} s")

    _EPISODE.update(pid=pid, plan=plan_path)

    # 6. axe and layout on the four pages, at both sizes. --------------------------------------------------------
    assert not axe_problems, "\n".join(axe_problems)


# Known bugs, seen on the discharged episode's chart (strict: each fails once fixed, to have its marker removed). ----


def open_episode_chart(b: Browser) -> None:
    if not _EPISODE:
        pytest.skip("the episode test did not get to the discharge")
    b.sign_in("ana.lmt")
    b.get(f"/patients/{_EPISODE['pid']}/chart")
    assert b.exists("#timeline"), page_problem(b, "the episode's chart")


def open_episode_report(b: Browser) -> None:
    open_episode_chart(b)
    b.get(f"/patients/{_EPISODE['pid']}/progress-report")
    assert b.exists("#goal-0-table"), page_problem(b, "the episode's progress report")


def test_goal_table_names_the_sessions_its_values_come_from(browser: Browser):
    b = browser
    open_episode_report(b)
    sessions = [r[1] for r in rows(b, "#goal-0-table")[-len(PAIN_TODAY):]]
    assert sessions == [f"S{n}" for n in range(1, len(PAIN_TODAY) + 1)], sessions


def test_no_re_evaluation_due_once_discharged(browser: Browser):
    b = browser
    open_episode_chart(b)
    assert b.find("#plan-status").text == "Completed"
    due = b.find_all("#re-evaluation-due")
    assert not due, f"a discharged patient's chart says: {due[0].text}"
