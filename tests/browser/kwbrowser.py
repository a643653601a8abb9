"""Helpers for Knotwork's browser tests: signing in, waiting for page loads, axe checks, layout."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from urllib.parse import urljoin, urlparse
from zoneinfo import ZoneInfo

import requests
from axe_selenium_python import Axe
from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

DESKTOP = (1280, 900)
TABLET = (820, 1180)  # a 10.9" tablet in portrait, in CSS pixels
WAIT = 20
# The demo clinic's zone (DemoClinic.clock): what the pages show and the forms take is local to it.
CLINIC_ZONE = ZoneInfo("America/Los_Angeles")


def clinic_now() -> dt.datetime:
    """Now on the demo clinic's wall clock, to the minute."""
    return dt.datetime.now(CLINIC_ZONE).replace(second=0, microsecond=0)

# axe-selenium-python 2.1.6 bundles axe-core 3.1.1 (2018). Two of its rules were deprecated in
# axe-core 3.4 for their false positives and removed in 4.0 (dequelabs/axe-core#1640, #2214);
# current axe-core does not run them, so neither do we.
AXE_OPTIONS = {"rules": {"checkboxgroup": {"enabled": False}, "radiogroup": {"enabled": False}}}
BLOCKING_IMPACTS = ("serious", "critical")
AXE_SEEN: list[tuple] = []  # (page, viewport, rule, impact, nodes, fails the test), for the run summary


def reset(driver: WebDriver, base_url: str) -> None:
    """No cookies (for every port of 127.0.0.1), no viewport override, desktop size."""
    try:
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    except WebDriverException:
        driver.delete_all_cookies()
    driver.set_window_size(*DESKTOP)
    driver.get("about:blank")


def fold(s: str) -> str:
    """Lower case without diacritics (the way a clerk types a name on a plain keyboard)."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).lower()


def wait_for_new_page(driver: WebDriver, action) -> None:
    """Runs `action` (a click, an ENTER) and waits until the browser has loaded the next page."""
    # Marks the current document; the next one does not carry the mark. (Polling the staleness of
    # an element races with chromedriver while the old document is being torn down.)
    driver.execute_script("window.__kwOldPage = true;")
    action()
    WebDriverWait(driver, WAIT, poll_frequency=0.1, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return window.__kwOldPage !== true && document.readyState === 'complete';"))


class Browser:
    """One browser bound to one Knotwork server."""

    def __init__(self, driver: WebDriver, base_url: str, password: str):
        self.driver = driver
        self.base = base_url.rstrip("/")
        self.password = password

    # Navigation -----------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return urljoin(self.base + "/", path.lstrip("/"))

    def get(self, path: str) -> None:
        self.driver.get(self.url(path))

    @property
    def path(self) -> str:
        """The current path and query, e.g. `/signin?expired=1`."""
        u = urlparse(self.driver.current_url)
        return u.path + (("?" + u.query) if u.query else "")

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def exists(self, css: str) -> bool:
        return len(self.find_all(css)) > 0

    def h1(self) -> str:
        return self.find("h1").text

    def click_and_wait(self, element: WebElement) -> None:
        wait_for_new_page(self.driver, element.click)

    def submit_form(self, button_css: str) -> None:
        self.click_and_wait(self.find(button_css))

    # Signing in -----------------------------------------------------------------------------------

    def fill_sign_in(self, username: str, password: str) -> None:
        u = self.find("form#signin input#username")
        u.clear()
        u.send_keys(username)
        p = self.find("form#signin input#password")
        p.clear()
        p.send_keys(password)

    def sign_in(self, username: str, password: str | None = None) -> None:
        """Signs in through the form and checks that it worked (lands on a signed-in page)."""
        self.get("/signin")
        self.fill_sign_in(username, self.password if password is None else password)
        self.submit_form("button#signin-submit")
        assert self.exists("form#signout"), (
            f"sign-in as {username} did not reach a signed-in page: {self.path}\n{self.main_text()[:500]}")

    def sign_out(self) -> None:
        self.submit_form("form#signout button#signout-submit")

    def main_text(self) -> str:
        try:
            return self.find("main#main").text
        except NoSuchElementException:
            return self.driver.find_element(By.TAG_NAME, "body").text

    # Patients ---------------------------------------------------------------------------------------

    def result_links(self) -> list[tuple[str, str]]:
        """(text, path) of every patient link on the current result page."""
        return [(a.text, urlparse(a.get_attribute("href")).path) for a in self.find_all("table#patient-results a.patient-link")]

    def all_result_links(self) -> list[tuple[str, str]]:
        """Every result of the current search, following the pagination."""
        seen = self.result_links()
        for _ in range(100):
            nxt = self.find_all('nav#pagination a[rel="next"]')
            if not nxt:
                break
            self.click_and_wait(nxt[0])
            seen += self.result_links()
        return seen

    def search(self, q: str = "", **fields: str) -> None:
        """Fills the patient search form and submits it (as a user would)."""
        if not self.path.startswith("/patients") or not self.exists("form#patient-search"):
            self.get("/patients")
        values = {"q": q, **fields}
        for name in ("q", "dob", "record", "phone"):
            box = self.find(f"form#patient-search input#{name}")
            box.clear()
            if values.get(name):
                if name == "dob":
                    self.type_date(box, values[name])
                else:
                    box.send_keys(values[name])
        self.submit_form("form#patient-search button#search-submit")

    def type_date(self, box: WebElement, iso: str) -> None:
        """Types an ISO date into an <input type=date> the way a user does (month/day/year keys)."""
        y, m, d = iso.split("-")
        box.send_keys(m + d + y)
        if box.get_attribute("value") != iso:
            # Some locales order the segments differently; a keyboard user would type them that way.
            box.clear()
            box.send_keys(d + m + y)
        assert box.get_attribute("value") == iso, f"could not type {iso} into the date field ({box.get_attribute('value')!r})"

    # HTTP with the browser's session ----------------------------------------------------------------

    def http(self) -> requests.Session:
        """A requests session carrying the browser's cookies (to read status codes and headers)."""
        s = requests.Session()
        for c in self.driver.get_cookies():
            s.cookies.set(c["name"], c["value"], path=c.get("path", "/"))
        return s

    # Accessibility ----------------------------------------------------------------------------------

    def axe(self, page: str) -> list[dict]:
        """Runs axe-core on the current page, prints every violation, and returns the blocking ones
        (impact serious or critical). See `axe_blocking` for the one known engine false positive."""
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run(options=json.dumps(AXE_OPTIONS))
        violations = results.get("violations", [])
        print(f"\n[axe] {page} ({self.path}, {self.viewport()}): {len(violations)} violation(s)")
        for v in violations:
            print(f"  - {v['id']} [{v.get('impact')}] {v.get('help')} ({len(v['nodes'])} node(s)) {v.get('helpUrl', '')}")
            for n in v["nodes"][:5]:
                summary = (n.get("failureSummary") or "").replace("\n", " | ")
                print(f"      {n.get('target')} {n.get('html', '')[:160]!r} {summary[:300]}")
        blocking = self.axe_blocking(violations)
        viewport = self.viewport()
        for v in violations:
            counted = any(x["id"] == v["id"] for x in blocking)
            AXE_SEEN.append((page, viewport, v["id"], str(v.get("impact")), len(v["nodes"]), counted))
        return blocking

    def axe_blocking(self, violations: list[dict]) -> list[dict]:
        """The violations that fail a test.

        axe-core 3.1.1 reports a form control labelled by a visually hidden <label for> (the usual
        clip-rect pattern) as unlabelled. For the `label` rule each flagged node is therefore checked
        against Chromium's own accessible-name computation: a node counts as a violation only when
        the browser, too, finds no name taken from its label.
        """
        blocking = []
        for v in violations:
            if v.get("impact") not in BLOCKING_IMPACTS:
                continue
            if v["id"] == "label":
                nodes = [n for n in v["nodes"] if not self._labelled_in_browser(n)]
                if not nodes:
                    print(f"  (label: all {len(v['nodes'])} node(s) have the accessible name of their <label> in Chromium; "
                          "axe-core 3.1.1 false positive, not counted)")
                    continue
                v = dict(v, nodes=nodes)
            blocking.append(v)
        return blocking

    def _labelled_in_browser(self, node: dict) -> bool:
        target = node.get("target") or []
        if len(target) != 1 or not isinstance(target[0], str):
            return False
        try:
            el = self.driver.find_element(By.CSS_SELECTOR, target[0])
        except NoSuchElementException:
            return False
        el_id = el.get_attribute("id")
        if not el_id:
            return False
        labels = self.driver.execute_script(
            "var id = arguments[0];"
            "return Array.from(document.querySelectorAll('label')).filter(function (l) { return l.htmlFor === id; })"
            ".map(function (l) { return l.textContent.trim(); });", el_id)
        name = (el.accessible_name or "").strip()
        return bool(name) and len(labels) == 1 and name == labels[0]

    def assert_axe_clean(self, page: str) -> None:
        blocking = self.axe(page)
        assert not blocking, f"axe: serious/critical violations on {page} ({self.path}):\n" + describe_violations(blocking)

    # Layout -----------------------------------------------------------------------------------------

    def use_tablet(self) -> None:
        w, h = TABLET
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": True})

    def use_desktop(self) -> None:
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def viewport(self) -> str:
        w, h = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        return f"{w}x{h}"

    def horizontal_overflow(self) -> dict:
        return self.driver.execute_script("""
            var de = document.documentElement;
            var wide = [];
            document.querySelectorAll('body *').forEach(function (el) {
                var r = el.getBoundingClientRect();
                if (r.right > de.clientWidth + 1 && wide.length < 5) {
                    wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                              (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
                              ' right=' + Math.round(r.right));
                }
            });
            return {scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, innerWidth: window.innerWidth, wide: wide};
        """)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} [{v.get('impact')}] {v.get('help')}")
        for n in v["nodes"][:5]:
            lines.append(f"    {n.get('target')} {n.get('html', '')[:200]}")
    return "\n".join(lines)


def http_sign_in(base_url: str, username: str, password: str) -> requests.Session:
    """Signs in with plain HTTP (its own cookie jar), as the sign-in form does."""
    s = requests.Session()
    r = s.get(base_url + "/signin", timeout=30)
    r.raise_for_status()
    m = re.search(r'name="_csrf" value="([^"]+)"', r.text)
    assert m, "no _csrf field on /signin"
    r = s.post(base_url + "/signin", data={"_csrf": m.group(1), "username": username, "password": password},
               allow_redirects=False, timeout=30)
    assert r.status_code == 303, f"HTTP sign-in as {username} answered {r.status_code}"
    return s
