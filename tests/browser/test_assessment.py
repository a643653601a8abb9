"""Assessment pages through the real browser: intake and safety screen with a hold, the pain map by
pointer and by keyboard, range of motion, outcome measures, pain-map comparison, axe and print.

The record page `/patients/{pid}/assessments/{aid}` shows the record only, with a link per section
(`a#open-<section>`, the pain map's `a#record-pain-map`) to the section's entry page
`/patients/{pid}/assessments/{aid}/<section>`, which shows the section's data and its form. A saved form
goes back to the record page (`?saved=<section>`); a refused one shows the entry page again (422).

Every test works on a patient of ana.lmt's that no other test of this run touches (preferably one
with no assessment yet), and creates what it needs itself.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

import kwbrowser
from kwbrowser import Browser, describe_violations

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TABLET_768 = (768, 1024)

# Patients already handed to a test in this run (one patient per test keeps the tests independent).
_CLAIMED: set[str] = set()


# Patients -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ana_http(server, demo_password) -> requests.Session:
    """ana.lmt signed in over plain HTTP (to pick patients and to prepare data quickly)."""
    return kwbrowser.http_sign_in(server.url, "ana.lmt", demo_password)


@pytest.fixture(scope="module")
def ana_patients(server, ana_http) -> list[dict]:
    """Every patient on ana.lmt's list, in list order: {id, name ("Family, Given")}."""
    found: list[dict] = []
    path = "/patients"
    for _ in range(20):
        html = ana_http.get(server.url + path, timeout=30).text
        for pid, name in re.findall(r'<a class="patient-link" href="/patients/(' + UUID + r')">([^<]*)</a>', html):
            found.append({"id": pid, "name": name})
        nxt = re.search(r'<a rel="next" href="([^"]+)"', html)
        if not nxt:
            break
        path = nxt.group(1).replace("&amp;", "&")
    assert len(found) >= 6, f"ana.lmt should have several demo patients, found {len(found)}"
    return found


def claim_patient(server, ana_http: requests.Session, patients: list[dict], without_visits: bool = False) -> dict:
    """A patient of ana's for one test: one no other test of this run uses, preferably without any
    assessment or hold yet (a rerun against the same server falls back to used ones). The first
    patient of the list is left alone: the other browser test files open it. `without_visits` also
    passes over patients with booked visits (the demo books some), for tests that count visits."""
    fallback = None
    for p in patients[1:]:
        if p["id"] in _CLAIMED:
            continue
        html = ana_http.get(f"{server.url}/patients/{p['id']}/assessments", timeout=30).text
        fresh = "No assessment yet" in html and 'id="treatment-hold"' not in html
        if fresh and without_visits:
            visits = ana_http.get(f"{server.url}/patients/{p['id']}/appointments", timeout=30).text
            fresh = 'id="past-visits"' not in visits and 'id="upcoming-visits"' not in visits
        if fresh:
            _CLAIMED.add(p["id"])
            return p
        fallback = fallback or p
    assert fallback, "no unused patient of ana.lmt left for this test"
    _CLAIMED.add(fallback["id"])
    return fallback


@pytest.fixture
def patient(server, ana_http, ana_patients) -> dict:
    return claim_patient(server, ana_http, ana_patients)


# Browser helpers --------------------------------------------------------------------------------------


def by_id(b: Browser, element_id: str) -> WebElement:
    """By id (ids here contain dots and brackets, awkward in CSS)."""
    return b.driver.find_element(By.ID, element_id)


def fill(el: WebElement, text: str) -> None:
    el.clear()
    el.send_keys(text)


def wait_until(b: Browser, condition, message: str, timeout: float = kwbrowser.WAIT):
    return WebDriverWait(b.driver, timeout, poll_frequency=0.05).until(lambda d: condition(), message)


def active_id(b: Browser) -> str:
    return b.driver.execute_script("return document.activeElement ? document.activeElement.id : '';") or ""


def open_details_of(b: Browser, inner: WebElement) -> None:
    """Opens the closed <details> around `inner` by clicking its summary, as a user would."""
    summary = b.driver.execute_script(
        "var d = arguments[0].closest('details'); return d && !d.open ? d.querySelector(':scope > summary') : null;", inner)
    if summary is not None:
        summary.click()
        wait_until(b, lambda: inner.is_displayed(), "the section did not open")


def start_assessment(b: Browser, pid: str, kind: str = "initial") -> str:
    """Starts an assessment with the form on the patient's assessments page; returns its path."""
    b.get(f"/patients/{pid}/assessments")
    form = b.find("form#assessment-form")
    Select(form.find_element(By.CSS_SELECTOR, "select[name=kind]")).select_by_value(kind)
    b.submit_form("form#assessment-form button#assessment-submit")
    assert re.fullmatch(f"/patients/{pid}/assessments/{UUID}", b.path), (
        f"starting an assessment went to {b.path}: {b.main_text()[:600]}")
    return b.path


# The record page's link to each section's entry page, and the form that page shows.
ENTRY_LINKS = {"intake": "open-intake", "safety-screen": "open-safety-screen", "pain-map": "record-pain-map",
               "trigger-points": "open-trigger-points", "range-of-motion": "open-range-of-motion", "measures": "open-measures",
               "root-cause": "open-root-cause"}
ENTRY_FORMS = {"intake": "intake-form", "safety-screen": "screen-form", "pain-map": "pain-map-form",
               "trigger-points": "trigger-point-form", "range-of-motion": "rom-form", "measures": "measure-choose",
               "root-cause": "root-cause-form"}


def current_path(b: Browser) -> str:
    """The current path, without query or fragment."""
    return urlparse(b.driver.current_url).path


def response_status(b: Browser) -> int | None:
    """The HTTP status of the document the browser shows (Navigation Timing)."""
    return b.driver.execute_script(
        "var e = performance.getEntriesByType('navigation')[0]; return e && e.responseStatus ? e.responseStatus : null;")


def assert_record_page(b: Browser, assessment: str) -> None:
    """The record page as it now is: every section with the link to its entry page, and no entry form."""
    assert current_path(b) == assessment, f"not on the record page: {b.path}"
    problems = [f"form#{f} on the record page" for f in list(ENTRY_FORMS.values()) + ["measure-form"] if b.exists(f"form#{f}")]
    problems += [f"the {s} section has a <details>" for s in ENTRY_LINKS if b.exists(f"section#{s} details")]
    for section, link in ENTRY_LINKS.items():
        a = b.find_all(f"section#{section} a#{link}")
        if not a:
            problems.append(f"no a#{link} in section#{section}")
        elif urlparse(a[0].get_attribute("href")).path != f"{assessment}/{section}":
            problems.append(f"a#{link} goes to {a[0].get_attribute('href')}")
    assert not problems, "\n".join(problems)


def open_entry(b: Browser, assessment: str, section: str) -> WebElement:
    """From the record page (opened first if the browser is elsewhere), follows the section's link to its
    entry page, as a user would; returns the page's form, shown at once (no <details> around it)."""
    if current_path(b) != assessment:
        b.get(assessment)
    b.click_and_wait(b.find(f"a#{ENTRY_LINKS[section]}"))
    assert b.path == f"{assessment}/{section}", f"the {section} link went to {b.path}: {b.main_text()[:600]}"
    form = b.find(f"form#{ENTRY_FORMS[section]}")
    assert form.is_displayed(), f"the {section} form is not shown on its entry page"
    assert b.driver.execute_script("return arguments[0].closest('details') === null;", form), \
        f"the {section} form sits in a <details> on its entry page"
    return form


def rows(b: Browser, table_css: str) -> list[list[str]]:
    """The text of every body cell of a table, row by row."""
    return b.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr')).map(function (tr) {"
        "  return Array.from(tr.cells).map(function (c) { return c.textContent.trim(); }); });", table_css)


def precaution_rules(b: Browser) -> set[str]:
    return {li.get_attribute("data-rule") for li in b.find_all("#safety #precautions li.precaution")}


def pointer_click_inside(b: Browser, el: WebElement) -> None:
    """A real mouse click on a point that belongs to `el` (an SVG shape's box centre may lie outside it)."""
    point = b.driver.execute_script("""
        var el = arguments[0];
        el.scrollIntoView({block: 'center'});
        var r = el.getBoundingClientRect();
        var tries = [[0.5, 0.5]];
        for (var i = 1; i < 10; i++) { for (var j = 1; j < 10; j++) { tries.push([i / 10, j / 10]); } }
        for (var k = 0; k < tries.length; k++) {
            var x = Math.round(r.left + r.width * tries[k][0]), y = Math.round(r.top + r.height * tries[k][1]);
            if (document.elementFromPoint(x, y) === el) { return [x, y]; }
        }
        return null;""", el)
    assert point, "no visible point of the region to click on"
    actions = ActionBuilder(b.driver)
    actions.pointer_action.move_to_location(point[0], point[1])
    actions.pointer_action.click()
    actions.perform()


def press(b: Browser, *keys: str) -> None:
    """Keys typed at whatever has the focus."""
    ActionChains(b.driver).send_keys(*keys).perform()


def region_name(b: Browser, code: str) -> str:
    """A region's name as the pain-map form shows it (its row's summary, without the badge)."""
    return b.driver.execute_script(
        "var s = document.getElementById('mark-' + arguments[0]).querySelector('summary');"
        "return s.firstChild.textContent.trim();", code)


def set_intensity_by_pointer(b: Browser, code: str, value: int) -> None:
    """On the pain-map page: opens the region's row of the form and chooses its intensity."""
    select = by_id(b, f"mark-{code}-intensity")
    open_details_of(b, select)
    Select(select).select_by_value(str(value))


def record_pain_map(b: Browser, assessment_path: str, intensities: dict[str, int]) -> dict[str, str]:
    """Records a pain map through the form of the assessment's pain-map page; returns {code: name}."""
    open_entry(b, assessment_path, "pain-map")
    names = {}
    for code, value in intensities.items():
        set_intensity_by_pointer(b, code, value)
        names[code] = region_name(b, code)
    b.submit_form("button#pain-map-submit")
    assert b.path.startswith(assessment_path + "?saved=pain-map"), f"saving the pain map went to {b.path}: {b.main_text()[:600]}"
    return names


def use_viewport(b: Browser, width: int, height: int) -> None:
    b.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                             {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})


# HTTP set-up (for the axe pages: the flows themselves are tested through the browser) -----------------


class Chart:
    """ana.lmt's HTTP session on one patient's chart, posting the pages' own forms."""

    def __init__(self, base: str, session: requests.Session, pid: str):
        self.base, self.s, self.pid = base, session, pid

    def csrf(self, html: str) -> str:
        m = re.search(r'name="_csrf" value="([^"]+)"', html)
        assert m, "no _csrf field on the page"
        return m.group(1)

    def post(self, path: str, data: dict[str, str], page: str | None = None) -> requests.Response:
        html = self.s.get(self.base + (page or path), timeout=30).text
        r = self.s.post(self.base + path, data={"_csrf": self.csrf(html), **data}, timeout=60)
        assert r.status_code == 200 and "form-errors" not in r.text, (
            f"POST {path} answered {r.status_code} at {r.url}:\n"
            + "\n".join(re.findall(r'<div id="form-errors".*?</div>', r.text, re.S))[:1500])
        return r

    def start(self, kind: str) -> str:
        page = self.s.get(f"{self.base}/patients/{self.pid}/assessments", timeout=30).text
        today = re.search(r'name="assessedOn" value="([0-9-]+)"', page).group(1)  # the server's today
        r = self.post(f"/patients/{self.pid}/assessments", {"kind": kind, "assessedOn": today})
        path = urlparse(r.url).path
        assert re.fullmatch(f"/patients/{self.pid}/assessments/{UUID}", path), path
        return path

    def entry_page(self, assessment: str, section: str) -> str:
        r = self.s.get(f"{self.base}{assessment}/{section}", timeout=30)
        assert r.status_code == 200, f"GET {assessment}/{section} answered {r.status_code}"
        return r.text

    def section(self, assessment: str, section: str, data: dict[str, str]) -> str:
        """Posts the form of the section's entry page (which the request takes its _csrf from)."""
        return self.post(f"{assessment}/{section}", data, page=f"{assessment}/{section}").text

    def screen(self, assessment: str, yes: set[str]) -> None:
        html = self.entry_page(assessment, "safety-screen")
        form = html[html.index('id="screen-form"'):]
        data = {}
        for name, key in re.findall(r'name="(answers\[\d+\])\[ruleKey\]" value="([^"]+)"', form):
            data[f"{name}[ruleKey]"] = key
            data[f"{name}[answer]"] = "true" if key in yes else "false"
        self.section(assessment, "safety-screen", data)

    def pain_map(self, assessment: str, intensities: dict[str, int]) -> None:
        data = {}
        for code, n in intensities.items():
            data[f"markings[{code}][intensity]"] = str(n)
            data[f"markings[{code}][pattern]"] = "constant"
        self.section(assessment, "pain-map", data)


# 1. Intake, red flag, precautions and the hold ---------------------------------------------------------


def test_intake_with_red_flag_shows_precautions_and_hold(browser: Browser, patient: dict, demo_password):
    b = browser
    pid = patient["id"]
    b.sign_in("ana.lmt")
    b.get(f"/patients/{pid}")
    team = b.find("section#care-team").text
    max_on_team = "Max Whitfield" in team

    assessment = start_assessment(b, pid, "initial")
    assert b.h1().startswith("Initial evaluation · "), b.h1()
    assert_record_page(b, assessment)
    assert "No intake recorded yet." in b.find("section#intake").text

    # The intake, on its own entry page.
    open_entry(b, assessment, "intake")
    assert b.h1().startswith("Intake · Initial evaluation · "), b.h1()
    onset = (dt.date.today() - dt.timedelta(days=200)).isoformat()
    fill(by_id(b, "complaint.summary"), "Aching left calf after long walks")
    b.type_date(by_id(b, "complaint.onset"), onset)
    Select(by_id(b, "complaint.mechanism")).select_by_value("gradual")
    fill(by_id(b, "goals"), "Walk the dog for an hour without calf pain")
    fill(by_id(b, "medications[0].name"), "Warfarin")
    fill(by_id(b, "medications[0].dose"), "5 mg daily")
    b.submit_form("button#intake-submit")
    assert b.path == assessment + "?saved=intake", f"saving the intake went to {b.path}: {b.main_text()[:800]}"
    assert_record_page(b, assessment)
    summary = b.find("#intake-summary").text
    for expected in ("Aching left calf after long walks", onset, "Came on gradually", "Walk the dog for an hour without calf pain",
                     "Warfarin 5 mg daily [anticoagulant/antiplatelet]", "chronic (3 months or more)"):
        assert expected in summary, f"the intake summary lacks {expected!r}:\n{summary}"

    # The safety screen, on its entry page: the intake's warfarin applies without a question; "No" to all
    # but the DVT question.
    assert "Not screened yet in this assessment." in b.find("section#safety-screen").text
    screen = open_entry(b, assessment, "safety-screen")
    assert "Anticoagulant" in screen.find_element(By.CSS_SELECTOR, ".notice").text
    questions = screen.find_elements(By.CSS_SELECTOR, "fieldset.question")
    keys = [q.get_attribute("id")[2:] for q in questions]
    assert "dvt" in keys, f"no DVT question on the screen: {keys}"
    for key in keys:
        radio = by_id(b, f"q-{key}-{'yes' if key == 'dvt' else 'no'}")
        radio.click()
        assert radio.is_selected(), f"could not answer {key}"
    b.submit_form("button#screen-submit")
    assert b.path == assessment + "?saved=safety-screen", f"saving the screen went to {b.path}: {b.main_text()[:800]}"

    def check_banner(where: str) -> None:
        assert b.exists("#safety #treatment-hold"), f"no treatment hold on the {where}: {b.find('#safety').text}"
        hold = b.find("#safety #treatment-hold")
        assert hold.get_attribute("role") == "alert"
        assert "Treatment on hold" in hold.text and "Deep vein thrombosis" in hold.text, hold.text
        rules = precaution_rules(b)
        assert {"dvt", "anticoagulant"} <= rules, f"the {where}'s precautions are {sorted(rules)}"
        assert not b.exists("#safety #no-precautions")

    check_banner("assessment page")
    result = b.find("#safety-screen .screen-result").text
    assert "1 positive answer" in result and "treatment put on hold" in result, result

    # Every entry page shows the hold too (findings are entered with it in view).
    open_entry(b, assessment, "trigger-points")
    check_banner("trigger-point entry page")
    b.click_and_wait(b.find("a#back-to-record"))
    assert current_path(b) == assessment, b.path

    # The same on the patient's chart (reached through the chart's navigation).
    b.click_and_wait(b.find("nav.chart-nav a[href='/patients/%s']" % pid))
    assert b.path == f"/patients/{pid}"
    check_banner("patient page")

    # The medical provider on the care team has an urgent task for it.
    if max_on_team:
        b.sign_out()
        b.sign_in("max.md")
        b.get("/tasks")
        tasks = [li for li in b.find_all("ul#task-list li.task")
                 if li.find_element(By.TAG_NAME, "a").get_attribute("href").endswith(f"/patients/{pid}")]
        assert tasks, f"max.md has no task for the patient on /tasks: {b.main_text()[:800]}"
        assert any("urgent" in (t.get_attribute("class") or "").split() and "Deep vein thrombosis" in t.text for t in tasks), \
            [t.text for t in tasks]
        # ... and may clear the hold as the provider (ana may only override it).
        b.get(f"/patients/{pid}")
        kinds = [o.get_attribute("value") for o in b.find_all("form#clear-hold-form select[name=kind] option")]
        assert kinds == ["providerCleared", "clinicianOverride"], kinds
        b.sign_out()
        b.sign_in("ana.lmt")
        b.get(f"/patients/{pid}")
    else:
        print(f"max.md is not on {patient['name']}'s care team: task check skipped")

    # ana overrides the hold with a reason.
    form = b.find("form#clear-hold-form")
    open_details_of(b, form)
    kind = Select(form.find_element(By.CSS_SELECTOR, "select[name=kind]"))
    assert [o.get_attribute("value") for o in kind.options] == ["clinicianOverride"]
    kind.select_by_value("clinicianOverride")
    fill(form.find_element(By.CSS_SELECTOR, "input[name=reason]"), "Duplex ultrasound today ruled out a DVT (browser test)")
    b.submit_form("button#clear-hold-submit")
    assert urlparse(b.driver.current_url).path == f"/patients/{pid}", b.path
    assert not b.exists("#treatment-hold"), f"the hold is still shown after the override: {b.find('#safety').text}"
    assert "anticoagulant" in precaution_rules(b), "the anticoagulant precaution should stay after the hold is lifted"
    b.get(assessment)
    assert not b.exists("#treatment-hold"), "the assessment page still shows the hold"


# 2. The pain map by pointer and by keyboard ----------------------------------------------------------


def test_pain_map_by_pointer_and_keyboard(browser: Browser, patient: dict):
    b = browser
    pid = patient["id"]
    b.sign_in("ana.lmt")
    assessment = start_assessment(b, pid, "initial")
    assert "No pain map in this assessment yet." in b.find("section#pain-map").text
    open_entry(b, assessment, "pain-map")
    assert b.exists("svg.bodymap a[data-region-link='calf.left']"), "the pain map's regions are not links"
    url_before = b.driver.current_url

    # Pointer: a click on the left calf opens its row and focuses its intensity (painmap.js).
    region = b.find("svg.bodymap a[data-region-link='calf.left'] path[data-region='calf.left']")
    pointer_click_inside(b, region)
    wait_until(b, lambda: active_id(b) == "mark-calf.left-intensity",
               f"the intensity of the left calf did not get the focus (focus on {active_id(b)!r})", timeout=5)
    assert by_id(b, "mark-calf.left").get_attribute("open") is not None, "the left calf's row did not open"
    assert "selected" in region.get_attribute("class").split(), "the clicked region is not outlined as selected"
    assert b.driver.current_url == url_before, "the link was followed instead of being handled by painmap.js"
    calf = region_name(b, "calf.left")
    press(b, "6")  # typed at the focused select
    assert Select(by_id(b, "mark-calf.left-intensity")).first_selected_option.get_attribute("value") == "6"

    # Keyboard only: Tab on to the next region's row, open it, choose 4.
    summary_region = None
    for _ in range(40):
        press(b, Keys.TAB)
        summary_region = b.driver.execute_script(
            "var a = document.activeElement;"
            "return a && a.tagName === 'SUMMARY' && a.parentElement.classList.contains('region-row') ? a.parentElement.id : null;")
        if summary_region:
            break
    assert summary_region and summary_region != "mark-calf.left", f"Tab did not reach another region's row ({summary_region})"
    other = summary_region[len("mark-"):]
    assert by_id(b, summary_region).get_attribute("open") is None
    press(b, Keys.ENTER)
    wait_until(b, lambda: by_id(b, summary_region).get_attribute("open") is not None, "Enter did not open the region's row", timeout=5)
    press(b, Keys.TAB)
    assert active_id(b) == f"mark-{other}-intensity", f"Tab from the row's summary went to {active_id(b)!r}"
    press(b, "4")
    assert Select(by_id(b, f"mark-{other}-intensity")).first_selected_option.get_attribute("value") == "4"
    other_name = region_name(b, other)

    b.submit_form("button#pain-map-submit")
    assert b.path == assessment + "?saved=pain-map", f"saving the pain map went to {b.path}: {b.main_text()[:800]}"
    assert_record_page(b, assessment)
    table = {r[0]: r for r in rows(b, "table#markings-table")}
    assert set(table) == {calf, other_name}, f"the markings table lists {sorted(table)}"
    assert table[calf][2] == "6" and table[other_name][2] == "4", table

    # The drawing shows the marks with their numbers.
    problems = []
    for code, n in (("calf.left", 6), (other, 4)):
        path = by_id(b, "map-current-" + code)
        if "marked" not in path.get_attribute("class").split():
            problems.append(f"{code} is not marked on the drawing")
        title = b.driver.execute_script("return arguments[0].querySelector('title').textContent;", path)
        if f"{n}/10" not in title:
            problems.append(f"{code}'s title reads {title!r}")
    labels = b.driver.execute_script(
        "return Array.from(document.querySelectorAll('#pain-map svg.bodymap .mark-label tspan')).map(function (t) { return t.textContent; });")
    if sorted(labels) != ["4", "6"]:
        problems.append(f"the drawing's numbers are {labels}")
    assert not problems, "\n".join(problems)


# 3. Range of motion ------------------------------------------------------------------------------------


def test_range_of_motion_percent_of_normal(browser: Browser, patient: dict):
    b = browser
    b.sign_in("ana.lmt")
    assessment = start_assessment(b, patient["id"], "initial")
    assert not b.exists("table#rom-table")
    form = open_entry(b, assessment, "range-of-motion")
    # The form's fields carry the rom- prefix in their ids, the plain names in their names.
    for field_id, name in (("rom-joint", "jointMotion"), ("rom-side", "side"), ("rom-degrees", "degrees"), ("rom-method", "method")):
        el = form.find_element(By.ID, field_id)
        assert el.get_attribute("name") == name, f"#{field_id} is named {el.get_attribute('name')!r}"
    Select(by_id(b, "rom-joint")).select_by_value("shoulder/flexion")
    Select(by_id(b, "rom-side")).select_by_value("left")
    fill(by_id(b, "rom-degrees"), "135")
    Select(by_id(b, "rom-method")).select_by_value("goniometer")
    b.submit_form("button#rom-submit")
    assert b.path == assessment + "?saved=range-of-motion", f"saving the measurement went to {b.path}: {b.main_text()[:800]}"
    assert_record_page(b, assessment)

    table = rows(b, "table#rom-table")
    assert len(table) == 1, table
    joint_motion, side, mode, degrees, method, normal, percent = table[0][:7]
    assert "shoulder" in joint_motion.lower() and "flexion" in joint_motion.lower(), joint_motion
    assert (side, mode, degrees) == ("Left", "active", "135°"), table[0]
    assert method.startswith("Universal goniometer, Ana Lindqvist"), method
    assert normal.startswith("AAOS 180°"), normal
    assert percent == "75 %", percent


# 4. Outcome measures -----------------------------------------------------------------------------------


def choose_measure(b: Browser, assessment: str, code: str) -> WebElement:
    """From the record page, opens the measures entry page by its link and chooses the instrument there."""
    open_entry(b, assessment, "measures")
    assert not b.exists("form#measure-form"), "a measure form is shown before an instrument is chosen"
    Select(b.find("form#measure-choose select#measure")).select_by_value(code)
    b.submit_form("button#measure-choose-submit")
    assert b.path == f"{assessment}/measures?measure={code}", f"choosing {code} went to {b.path}"
    assert b.exists("form#measure-form"), f"no form for {code}: {b.main_text()[:500]}"
    form = b.find("form#measure-form")
    assert form.find_element(By.CSS_SELECTOR, "input[name=instrument]").get_attribute("value") == code
    return form


def measure_rows(b: Browser, code: str) -> list[list[str]]:
    return b.driver.execute_script(
        "return Array.from(document.querySelectorAll('table#measure-table tbody tr[data-instrument=\"' + arguments[0] + '\"]'))"
        ".map(function (tr) { return Array.from(tr.cells).map(function (c) { return c.textContent.trim(); }); });", code)


def test_peg_and_psfs_scores(browser: Browser, patient: dict):
    b = browser
    b.sign_in("ana.lmt")
    assessment = start_assessment(b, patient["id"], "initial")
    assert not b.exists("table#measure-table")

    # PEG: the mean of its three items.
    form = choose_measure(b, assessment, "PEG")
    for code, value in (("pain", "7"), ("enjoyment", "5"), ("activity", "4")):
        fill(form.find_element(By.CSS_SELECTOR, f"input[name='items[{code}]']"), value)
    b.submit_form("button#measure-submit")
    assert b.path == assessment + "?saved=measures", f"saving the PEG went to {b.path}: {b.main_text()[:800]}"
    assert_record_page(b, assessment)
    peg = measure_rows(b, "PEG")
    assert len(peg) == 1 and peg[0][1].startswith("5.33"), f"PEG (7+5+4)/3 shown as {peg}"

    # PSFS with two named activities: their mean.
    form = choose_measure(b, assessment, "PSFS")
    for i, (name, score) in enumerate((("Climbing stairs", "3"), ("Gardening", "6"))):
        fill(by_id(b, f"activities[{i}].name"), name)
        fill(by_id(b, f"activities[{i}].score"), score)
    b.submit_form("button#measure-submit")
    assert b.path == assessment + "?saved=measures", f"saving the PSFS went to {b.path}: {b.main_text()[:800]}"
    psfs = measure_rows(b, "PSFS")
    assert len(psfs) == 1, psfs
    assert psfs[0][1].startswith("4.5"), f"PSFS (3+6)/2 shown as {psfs[0][1]!r}"
    assert "Climbing stairs 3" in psfs[0][1] and "Gardening 6" in psfs[0][1], psfs[0][1]

    # A PSFS without any activity is refused with a field error on the entry page (422), and nothing is saved.
    form = choose_measure(b, assessment, "PSFS")
    for i in range(5):
        for leaf in ("name", "score"):
            fields = b.driver.find_elements(By.ID, f"activities[{i}].{leaf}")
            if fields:
                fields[0].clear()
    b.submit_form("button#measure-submit")
    assert b.path == assessment + "/measures", f"the refused PSFS went to {b.path}: {b.main_text()[:800]}"
    assert response_status(b) == 422, f"the refused PSFS answered {response_status(b)}"
    assert b.exists("#measures #form-errors"), f"no error summary for a PSFS without activities: {b.path}\n{b.main_text()[:800]}"
    errors = b.find("#measures #form-errors").text
    assert "activit" in errors.lower(), errors
    assert active_id(b) == "form-errors", "focus did not move to the error summary"
    assert b.find("form#measure-form input[name=instrument]").get_attribute("value") == "PSFS", "the PSFS form is not shown again"
    assert len(measure_rows(b, "PSFS")) == 1 and len(measure_rows(b, "PEG")) == 1, "the refused PSFS changed the saved measures"
    b.click_and_wait(b.find("a#back-to-record"))
    assert current_path(b) == assessment, b.path
    assert len(measure_rows(b, "PSFS")) == 1 and len(measure_rows(b, "PEG")) == 1, "the refused PSFS was saved"


# 5. Comparing two pain maps ----------------------------------------------------------------------------


def test_compare_two_pain_maps(browser: Browser, patient: dict):
    b = browser
    pid = patient["id"]
    b.sign_in("ana.lmt")
    first = start_assessment(b, pid, "initial")
    earlier = {"calf.left": 6, "shoulder-top.right": 3, "jaw.left": 5}
    names = record_pain_map(b, first, earlier)
    second = start_assessment(b, pid, "reEvaluation")
    assert b.h1().startswith("Re-evaluation · "), b.h1()
    later = {"calf.left": 2, "shoulder-top.right": 6, "lowback.left": 4, "neck-back.left": 1}
    names |= record_pain_map(b, second, later)

    # The re-evaluation shows the change since the initial evaluation's map.
    assert b.exists("table#map-changes"), "the re-evaluation does not compare its map with the previous one"

    b.click_and_wait(b.find("nav.chart-nav a[href$='/pain-maps/compare']"))
    assert b.path.startswith(f"/patients/{pid}/pain-maps/compare"), b.path
    earlier_select = Select(b.find("form#compare-form select#earlier"))
    later_select = Select(b.find("form#compare-form select#later"))
    options = [o.text for o in earlier_select.options]
    assert any("3 regions" in o for o in options) and any("4 regions" in o for o in options), options
    earlier_select.select_by_visible_text(next(o for o in options if "3 regions" in o))
    later_select.select_by_visible_text(next(o for o in options if "4 regions" in o))
    b.submit_form("button#compare-submit")
    assert b.path.startswith(f"/patients/{pid}/pain-maps/compare?"), b.path

    got = {}
    for tr in b.find_all("table#comparison-table tbody tr"):
        cells = [c.text for c in tr.find_elements(By.TAG_NAME, "td")]
        got[cells[0]] = ((tr.get_attribute("class") or "").replace("change-", ""), cells[2], cells[3])
    expected = {
        names["calf.left"]: ("better", "6", "2"),
        names["shoulder-top.right"]: ("worse", "3", "6"),
        names["jaw.left"]: ("resolved", "5", "—"),
        names["lowback.left"]: ("new", "—", "4"),
        names["neck-back.left"]: ("new", "—", "1"),
    }
    assert got == expected, f"comparison rows {got}, expected {expected}"
    summary = set(b.find("#comparison-summary").text.split(" · "))
    assert summary == {"1 better", "1 worse", "1 resolved", "2 new"}, summary
    for code in later.keys() | earlier.keys():
        assert "marked" in by_id(b, "map-compare-" + code).get_attribute("class").split(), f"{code} not marked on the comparison drawing"


# 6. axe on the assessment pages, desktop and tablet ------------------------------------------------------


@pytest.fixture(scope="module")
def axe_chart(server, ana_http, ana_patients) -> dict:
    """A patient with an initial evaluation (every section filled, a DVT hold and precautions) and a
    re-evaluation with a second map, measure, measurement and a revised root-cause hypothesis: the pages to
    check, each as (the assessment, the entry section or None, or a plain path)."""
    p = claim_patient(server, ana_http, ana_patients)
    c = Chart(server.url, ana_http, p["id"])
    first = c.start("initial")
    c.section(first, "intake", {
        "complaint[summary]": "Neck and shoulder pain at the desk", "complaint[onset]": (dt.date.today() - dt.timedelta(days=150)).isoformat(),
        "complaint[mechanism]": "postural", "goals": "Work a full day without a headache", "medications[0][name]": "Warfarin",
        "pregnancy": "notApplicable"})
    c.screen(first, yes={"dvt"})
    c.pain_map(first, {"shoulder-top.right": 6, "neck-back.right": 5, "occiput.right": 3})
    page = c.entry_page(first, "trigger-points")
    muscle = re.search(r'<select id="tp-muscle".*?<option value="([^"]+)"', page, re.S).group(1)
    c.section(first, "trigger-points", {"muscle": muscle, "side": "right", "state": "active", "tenderness": "2", "tautBand": "1"})
    c.section(first, "range-of-motion", {"jointMotion": "cervical/rotation", "side": "right", "mode": "active", "degrees": "50",
                                         "method": "goniometer", "examinerName": "Ana Lindqvist, LMT"})
    c.section(first, "measures", {"instrument": "PEG", "items[pain]": "7", "items[enjoyment]": "6", "items[activity]": "5"})

    def factor(kind: str, detail: str, action: str, status: str) -> dict[str, str]:
        f = f"factors[{kind}]"
        return {f"{f}[include]": "1", f"{f}[detail]": detail, f"{f}[selfCareAction]": action, f"{f}[status]": status}

    c.section(first, "root-cause", {
        "sources[0][muscle]": muscle, "sources[0][side]": "right", "sources[1][structure]": "Right upper cervical facet joints",
        "evidence": "Pressure on the right upper trapezius reproduces the temple headache",
        **factor("posture", "Head forward at the laptop for hours", "Raise the screen to eye level", "active"),
        **factor("stress", "Deadlines at work", "Breathing breaks twice a day", "active")})
    second = c.start("reEvaluation")
    c.pain_map(second, {"shoulder-top.right": 3, "neck-back.right": 5, "scapula.right": 4})
    c.section(second, "range-of-motion", {"jointMotion": "cervical/rotation", "side": "right", "mode": "active", "degrees": "65",
                                          "method": "goniometer", "examinerName": "Ana Lindqvist, LMT"})
    c.section(second, "measures", {"instrument": "PEG", "items[pain]": "4", "items[enjoyment]": "3", "items[activity]": "3"})
    c.section(second, "root-cause", {
        "sources[0][muscle]": muscle, "sources[0][side]": "right",
        "evidence": "Pressure on the right upper trapezius still reproduces the temple headache, less often",
        **factor("posture", "Head forward at the laptop for hours", "Raise the screen to eye level", "confirmed"),
        **factor("workstation", "Laptop on the kitchen table, no separate keyboard", "External keyboard and a laptop stand", "active")})
    return {"pid": p["id"], "first": first, "second": second,
            "list": f"/patients/{p['id']}/assessments", "compare": f"/patients/{p['id']}/pain-maps/compare"}


# Each page axe checks: (the assessment in axe_chart, the section whose entry page it is; None: the record page).
AXE_ENTRY_PAGES = {"record": ("second", None), "safety-screen": ("first", "safety-screen"), "root-cause": ("second", "root-cause"),
                   "pain-map": ("second", "pain-map")}


def _open_details_for_axe(b: Browser) -> None:
    """Opens the collapsed sections so that axe sees them; of the pain-map form's 96 identical region
    rows, only the first of each group (axe on all of them takes over ten seconds)."""
    b.driver.execute_script("""
        document.querySelectorAll('main details:not(.region-row), main fieldset.region-group > details.region-row:first-of-type')
            .forEach(function (d) { d.open = true; });""")


def _sideways(b: Browser) -> list[str]:
    """The elements that make the page scroll sideways (those not inside a scrolling box such as .table-wrap),
    each with the id of its section."""
    return b.driver.execute_script("""
        var de = document.documentElement, out = [];
        function inScroller(el) {
            for (var p = el.parentElement; p && p !== document.body && p !== de; p = p.parentElement) {
                if (getComputedStyle(p).overflowX !== 'visible') { return true; }
            }
            return false;
        }
        document.querySelectorAll('main *').forEach(function (el) {
            var r = el.getBoundingClientRect();
            if (r.right > de.clientWidth + 1 && !inScroller(el) && out.length < 5) {
                var s = el.closest('section[id]');
                out.push((s ? '#' + s.id + ' ' : '') + el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' right=' + Math.round(r.right));
            }
        });
        return out;""")


AXE_PAGES = ["list", "record", "safety-screen", "root-cause", "pain-map", "compare"]

# Known bugs a page may have without failing; empty now that the ones reported have been fixed (duplicate ids
# between the chart's forms, the root-cause fieldset's width on a tablet). Add an entry only with a reason.
KNOWN_AXE_BUGS: dict[str, tuple[str, str]] = {}
KNOWN_LAYOUT_BUGS: dict[str, tuple[str, str]] = {}


@pytest.mark.parametrize("viewport", ["desktop", "tablet-768"])
@pytest.mark.parametrize("page", AXE_PAGES)
def test_axe_assessment_pages(browser: Browser, axe_chart: dict, page: str, viewport: str):
    b = browser
    if viewport != "desktop":
        use_viewport(b, *TABLET_768)
    b.sign_in("ana.lmt")
    if page in AXE_ENTRY_PAGES:
        which, section = AXE_ENTRY_PAGES[page]
        assessment = axe_chart[which]
        b.get(assessment)
        if section:  # reached the way a user does, by the record page's link
            open_entry(b, assessment, section)
    else:
        b.get(axe_chart[page])
    assert b.exists("main#main h1"), b.main_text()[:300]
    if page == "compare":
        if not b.exists("table#comparison-table"):
            b.submit_form("button#compare-submit")
        assert b.exists("table#comparison-table"), b.main_text()[:500]
    if page == "record":
        assert_record_page(b, axe_chart["second"])
        assert b.exists("table#map-changes") and b.exists("table#measure-table") and b.exists("table#rom-table")
        assert b.exists("#root-cause-review") and b.exists("#treatment-hold")
    if page == "list":
        assert b.exists("#treatment-hold") and b.exists("form#assessment-form")
    if page == "safety-screen":
        assert b.exists("#safety-screen .screen-result") and b.exists("form#screen-form fieldset.question")
    if page == "root-cause":
        assert b.exists("#root-cause-summary table#factor-table") and b.exists("#root-cause-review") and b.exists("form#root-cause-form")
    _open_details_for_axe(b)
    known, unknown = [], []
    if viewport != "desktop":
        assert b.horizontal_overflow()["clientWidth"] == TABLET_768[0], "tablet viewport not applied"
        wide = _sideways(b)
        overflow = b.horizontal_overflow()
        if overflow["scrollWidth"] > overflow["clientWidth"] and not wide:
            wide = [f"document {overflow['scrollWidth']} px wide: {overflow['wide']}"]
        if wide:
            mark, reason = KNOWN_LAYOUT_BUGS.get(page, (None, None))
            problem = f"the page scrolls sideways at {TABLET_768[0]} px: {wide}"
            (known if mark and all(w.startswith(mark) for w in wide) else unknown).append(reason or problem)
    blocking = b.axe(f"assessment-{page} ({viewport})")
    mark, reason = KNOWN_AXE_BUGS.get(page, (None, None))
    for v in blocking:
        if mark and v["id"] in ("duplicate-id-aria", "label") and all(mark in n.get("html", "") for n in v["nodes"]):
            known.append(f"{reason} [{v['id']}]")
        else:
            unknown.append("axe: " + describe_violations([v]))
    assert not unknown, "\n".join(unknown + [f"(known: {k})" for k in known])
    if known:
        pytest.xfail("; ".join(known))


# 7. Print -------------------------------------------------------------------------------------------------


def _media_blocks(css: str, query: str) -> list[str]:
    """The bodies of every `@media <query>` block (braces balanced)."""
    blocks = []
    for m in re.finditer(r"@media\s+" + re.escape(query) + r"\s*\{", css):
        depth, i = 1, m.end()
        while depth and i < len(css):
            depth += {"{": 1, "}": -1}.get(css[i], 0)
            i += 1
        blocks.append(css[m.end():i - 1])
    return blocks


def _print_view(b: Browser) -> dict:
    """What the current page shows when rendered for print."""
    try:
        b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        return b.driver.execute_script("""
            function shown(el) { return el.getClientRects().length > 0; }
            function name(el) { return el.id || el.getAttribute('action') || el.getAttribute('href'); }
            return {forms: Array.from(document.querySelectorAll('form')).filter(shown).map(name),
                    entryLinks: Array.from(document.querySelectorAll('main .entry-link a, main a#record-pain-map')).filter(shown).map(name),
                    h1: shown(document.querySelector('h1')),
                    sections: Array.from(document.querySelectorAll('main section.record-section')).filter(shown).map(name)};""")
    finally:
        b.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


@pytest.fixture(scope="module")
def print_record(server, ana_http, ana_patients) -> str:
    """An initial evaluation with an intake and a pain map, for the print tests: its record page's path."""
    p = claim_patient(server, ana_http, ana_patients)
    c = Chart(server.url, ana_http, p["id"])
    assessment = c.start("initial")
    c.section(assessment, "intake", {
        "complaint[summary]": "Low back ache after gardening", "complaint[onset]": (dt.date.today() - dt.timedelta(days=40)).isoformat(),
        "complaint[mechanism]": "gradual", "goals": "Garden for an afternoon", "pregnancy": "notApplicable"})
    c.pain_map(assessment, {"lowback.left": 4})
    return assessment


def test_record_prints_without_its_forms(browser: Browser, server, print_record: str):
    css = requests.get(server.url + "/static/app.css", timeout=30).text
    hiding = [body for block in _media_blocks(css, "print")
              for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block)
              if "form" in [s.strip() for s in sel.split(",")] and re.search(r"display\s*:\s*none", body)]
    assert hiding, "app.css has no @media print rule hiding forms"

    # The record page carries no entry form at all now; rendered for print it shows its content and no form
    # (the safety banner's and the header's forms included).
    b = browser
    b.sign_in("ana.lmt")
    b.get(print_record)
    assert_record_page(b, print_record)
    assert b.exists("#intake-summary") and b.exists("table#markings-table")
    assert b.find("link[rel=stylesheet]").get_attribute("href").endswith("/static/app.css")
    shown = _print_view(b)
    assert shown["h1"] and set(shown["sections"]) == set(ENTRY_LINKS), f"the record's content is hidden in print: {shown}"
    assert shown["forms"] == [], f"forms shown in print: {shown['forms']}"


def test_record_prints_without_entry_links(browser: Browser, print_record: str):
    """The record page says of itself: "print it for a paper copy (the entry links are left out)"."""
    b = browser
    b.sign_in("ana.lmt")
    b.get(print_record)
    hint = b.find("main .print-hint").text
    assert "entry links are left out" in hint, hint
    on_screen = [a.get_attribute("id") for a in b.find_all("main .entry-link a, main a#record-pain-map") if a.is_displayed()]
    assert len(on_screen) == len(ENTRY_LINKS), f"entry links on screen: {on_screen}"
    shown = _print_view(b)
    assert shown["entryLinks"] == [], f"entry links shown in print: {shown['entryLinks']}"
