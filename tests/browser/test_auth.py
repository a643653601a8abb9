"""Sign-in flows: keyboard-only sign-in, the idle time-out, sign-in throttling."""

from __future__ import annotations

import re
import time
import uuid

import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from kwbrowser import Browser, wait_for_new_page

WRONG = "The username or password is not correct."
THROTTLED = "Too many failed sign-in attempts"


def active(b: Browser):
    return b.driver.switch_to.active_element


def press(b: Browser, *keys) -> None:
    ActionChains(b.driver).send_keys(*keys).perform()


def test_keyboard_only_sign_in(browser: Browser):
    b = browser
    b.get("/signin")

    # The first Tab lands on the skip link, which then becomes visible.
    press(b, Keys.TAB)
    skip = active(b)
    assert skip.get_attribute("class") == "skip-link" and skip.text == "Skip to content", skip.get_attribute("outerHTML")
    rect = b.driver.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height];", skip)
    assert rect[0] >= 0 and rect[1] >= 0 and rect[2] > 0, f"the focused skip link is off screen: {rect}"

    # Following it moves focus to the main content; the next Tab reaches the username field.
    press(b, Keys.ENTER)
    assert active(b).get_attribute("id") == "main"
    order = []
    for _ in range(10):
        press(b, Keys.TAB)
        order.append(active(b).get_attribute("id") or active(b).tag_name)
        if order[-1] == "username":
            break
    assert order[-1] == "username", f"Tab order from the skip link: {order}"
    assert order == ["username"], f"Tab after the skip link went through {order} before the username field"

    # Sign in with keys alone.
    active(b).send_keys("ana.lmt")
    press(b, Keys.TAB)
    assert active(b).get_attribute("id") == "password"
    active(b).send_keys(b.password)
    wait_for_new_page(b.driver, lambda: active(b).send_keys(Keys.ENTER))
    assert b.path == "/patients"
    assert b.exists("form#signout")
    assert "Ana Lindqvist" in b.find("header .whoami").text


def test_idle_session_times_out(driver, short_idle_server, demo_password):
    """KNOTWORK_SESSION_IDLE_MINUTES=1: after more than a minute without a request the next
    request goes to the sign-in page, which says why. (The one slow test: it waits 65 s.)"""
    b = Browser(driver, short_idle_server.url, demo_password)
    b.sign_in("ana.lmt")
    b.get("/patients")
    assert b.path == "/patients" and b.exists("form#signout"), "a fresh session was not accepted"

    time.sleep(65)

    b.get("/patients")
    assert b.path.startswith("/signin"), f"after 65 s idle /patients showed {b.path}"
    assert "expired=1" in b.path, b.path
    assert not b.exists("form#signout")
    notice = b.find("#session-expired")
    assert notice.is_displayed() and "inactivity" in notice.text, notice.text
    b.assert_axe_clean("sign-in after time-out")

    # Signing in again returns to the page that was asked for.
    b.fill_sign_in("ana.lmt", demo_password)
    b.submit_form("button#signin-submit")
    assert b.path == "/patients" and b.exists("form#signout")


def test_sign_in_throttled_after_five_failures(browser: Browser):
    """Five wrong passwords for one (made-up) account, then the sixth attempt is refused."""
    b = browser
    username = f"nobody-{uuid.uuid4().hex[:10]}"
    b.get("/signin")
    for i in range(5):
        b.fill_sign_in(username, f"wrong-password-{i}")
        b.submit_form("button#signin-submit")
        assert b.path.startswith("/signin")
        assert WRONG in b.find("#form-errors").text, f"attempt {i + 1}: {b.main_text()[:300]}"
        assert b.find("input#username").get_attribute("value") == username
        assert not b.exists("form#signout")

    b.fill_sign_in(username, "wrong-password-5")
    b.submit_form("button#signin-submit")
    errors = b.find("#form-errors").text
    assert THROTTLED in errors, f"sixth attempt: {errors!r}"
    assert re.search(r"Try again in \d+ minutes?", errors), errors
    b.assert_axe_clean("sign-in throttled")

    # The answer is 429 with Retry-After (checked over HTTP, which the browser does not expose).
    s = requests.Session()
    page = s.get(b.url("/signin"), timeout=30)
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    r = s.post(b.url("/signin"), data={"_csrf": csrf, "username": username, "password": "wrong-password-6"},
               allow_redirects=False, timeout=30)
    assert r.status_code == 429, r.status_code
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    assert THROTTLED in r.text

    # The lock-out is per account: another account on the same address still signs in.
    b.sign_in("ana.lmt")
    assert b.path == "/patients"
