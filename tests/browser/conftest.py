"""Shared fixtures for Knotwork's browser tests (pytest + Selenium + headless Chromium + axe).

Run through `make test-browser` (scripts/test-browser.sh starts two fresh demo servers and passes
their addresses in the environment), or directly with `pytest -q tests/browser`: then any server
not named in the environment is started here, on a free port with a throwaway SQLite database,
and stopped at the end.

Environment (all optional):
  KNOTWORK_URL                      demo server with normal settings
  KNOTWORK_DATABASE_URL             its DATABASE_URL (lets tests create API tokens with the CLI)
  KNOTWORK_SHORT_IDLE_URL           demo server with KNOTWORK_SESSION_IDLE_MINUTES=1
  KNOTWORK_SHORT_IDLE_DATABASE_URL  its DATABASE_URL
  KNOTWORK_BIN                      server binary (default .build/debug/knotwork)
  KNOTWORK_DEMO_PASSWORD            demo password (default knotwork-demo-2026)
  CHROME_BIN, CHROMEDRIVER          browser and driver (default: found on PATH)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

# Selenium Manager must never try to download a driver or a browser.
os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kwbrowser  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "knotwork"
DEMO_PASSWORD = os.environ.get("KNOTWORK_DEMO_PASSWORD") or "knotwork-demo-2026"


@dataclass
class Server:
    """A running Knotwork demo server the tests talk to."""

    url: str
    database_url: str | None
    binary: str
    process: subprocess.Popen | None = None
    log_path: str | None = None


def knotwork_binary() -> str:
    return os.environ.get("KNOTWORK_BIN") or str(DEFAULT_BIN)


def wait_for_binary(path: str, timeout: float = 300) -> None:
    """The binary may be replaced by a rebuild at any moment; wait for it to be there again."""
    deadline = time.monotonic() + timeout
    while not (os.path.isfile(path) and os.access(path, os.X_OK)):
        if time.monotonic() > deadline:
            pytest.exit(f"Knotwork binary {path} not found; build it first (make build)", returncode=2)
        time.sleep(2)


def run_cli(args: list[str], database_url: str, attempts: int = 3) -> str:
    """Runs `knotwork ARGS` against DATABASE_URL and returns its standard output."""
    binary = knotwork_binary()
    last = None
    for _ in range(attempts):
        wait_for_binary(binary)
        env = dict(os.environ, DATABASE_URL=database_url)
        try:
            proc = subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=120,
                                  stdin=subprocess.DEVNULL)
        except OSError as e:  # the binary was being replaced: try again
            last = e
            time.sleep(2)
            continue
        if proc.returncode == 0:
            return proc.stdout
        last = RuntimeError(f"knotwork {' '.join(args)} exited {proc.returncode}: {proc.stdout}\n{proc.stderr}")
        time.sleep(1)
    raise last  # type: ignore[misc]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None, log_path: str | None, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = Path(log_path).read_text(errors="replace")[-4000:] if log_path else ""
            raise RuntimeError(f"knotwork server exited with {proc.returncode} before becoming healthy:\n{tail}")
        try:
            r = requests.get(url + "/healthz", timeout=3)
            if r.status_code == 200:
                return
            last = r.status_code
        except requests.RequestException as e:
            last = e
        time.sleep(0.5)
    raise RuntimeError(f"{url}/healthz not healthy after {timeout}s (last: {last})")


def start_server(tmpdir: str, name: str, extra_env: dict[str, str]) -> Server:
    binary = knotwork_binary()
    wait_for_binary(binary)
    port = free_port()
    database_url = os.path.join(tmpdir, f"{name}.sqlite")
    log_path = os.path.join(tmpdir, f"{name}.log")
    env = dict(os.environ, DATABASE_URL=database_url, **extra_env)
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [binary, "serve", "--hostname", "127.0.0.1", "--port", str(port), "--demo"],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    log.close()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log_path)
    except Exception:
        stop_server(proc)
        raise
    return Server(url=url, database_url=database_url, binary=binary, process=proc, log_path=log_path)


def stop_server(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server_tmpdir():
    d = tempfile.mkdtemp(prefix="knotwork-browser-pytest.")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _server_fixture(url_var: str, db_var: str, name: str, extra_env: dict[str, str], tmpdir: str):
    url = os.environ.get(url_var)
    if url:
        url = url.rstrip("/")
        wait_healthy(url, None, None, timeout=60)
        yield Server(url=url, database_url=os.environ.get(db_var) or None, binary=knotwork_binary())
        return
    server = start_server(tmpdir, name, extra_env)
    try:
        yield server
    finally:
        stop_server(server.process)


@pytest.fixture(scope="session")
def server(server_tmpdir):
    """The demo server with normal settings."""
    yield from _server_fixture("KNOTWORK_URL", "KNOTWORK_DATABASE_URL", "main", {}, server_tmpdir)


@pytest.fixture(scope="session")
def short_idle_server(server_tmpdir):
    """A demo server whose sessions end after one idle minute."""
    yield from _server_fixture("KNOTWORK_SHORT_IDLE_URL", "KNOTWORK_SHORT_IDLE_DATABASE_URL", "short-idle",
                               {"KNOTWORK_SESSION_IDLE_MINUTES": "1"}, server_tmpdir)


@pytest.fixture(scope="session")
def base_url(server) -> str:
    return server.url


@pytest.fixture(scope="session")
def demo_password() -> str:
    return DEMO_PASSWORD


def _chrome_options() -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    chrome = os.environ.get("CHROME_BIN") or shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if chrome:
        options.binary_location = chrome
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={kwbrowser.DESKTOP[0]},{kwbrowser.DESKTOP[1]}", "--lang=en-US",
                "--disable-extensions", "--no-first-run", "--disable-features=PasswordLeakDetection"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "intl.accept_languages": "en-US",
        "credentials_enable_service": False,
        "profile.password_manager_enabled": False,
    })
    return options


def _new_driver() -> webdriver.Chrome:
    driver_path = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    service = Service(executable_path=driver_path) if driver_path else Service()
    driver = webdriver.Chrome(options=_chrome_options(), service=service)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver


@pytest.fixture(scope="session")
def _shared_driver():
    driver = _new_driver()
    yield driver
    driver.quit()


@pytest.fixture
def driver(_shared_driver, server):
    """A browser with no cookies and the desktop viewport (one Chromium is shared for speed)."""
    d = _shared_driver
    kwbrowser.reset(d, server.url)
    yield d
    kwbrowser.reset(d, server.url)


@pytest.fixture
def browser(driver, server, demo_password):
    """The browser with helpers bound to the main server."""
    return kwbrowser.Browser(driver, server.url, demo_password)


def pytest_terminal_summary(terminalreporter):
    """Every axe violation seen in the run, blocking or not, so that -q runs show them too."""
    seen = kwbrowser.AXE_SEEN
    if not seen:
        return
    terminalreporter.section("axe-core violations seen (all impacts)")
    for page, viewport, rule, impact, count, counted in seen:
        verdict = "FAILS" if counted else "not counted"
        terminalreporter.write_line(f"{page} [{viewport}]: {rule} ({impact}, {count} node(s)) - {verdict}")
