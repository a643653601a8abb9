"""Two `knotwork serve` processes on one PostgreSQL database share all state.

Scale-out with several server processes behind a load balancer is only safe when nothing that
matters lives in one process's memory. This test starts two separate OS processes (A and B) on a
fresh database and shows that sessions, sign-out, sign-in throttling, record numbers and the
audit hash chain are all shared through the database, and that both processes shut down cleanly
on SIGTERM.

Run: `TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres python3 -m pytest -q tests/multi`
(scripts/test-all.sh runs it after `scripts/pg-up.sh`; `make pg-up` starts a throwaway cluster).

Environment:
  TEST_POSTGRES_URL       superuser URL of a throwaway cluster on 127.0.0.1 (required: the test
                          FAILS without it, it never skips)
  KNOTWORK_BIN            server binary (default .build/debug/knotwork)
  KNOTWORK_DEMO_PASSWORD  demo password (default knotwork-demo-2026)
  KNOTWORK_HEALTH_TIMEOUT seconds to wait for /healthz (default 180)

The tests run in file order and share the two servers: the shutdown test stops them, and the audit
check runs last, over everything the others wrote. Whatever fails, the module's fixtures stop both
servers and drop the database.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / ".build" / "debug" / "knotwork"
DEMO_PASSWORD = os.environ.get("KNOTWORK_DEMO_PASSWORD") or "knotwork-demo-2026"
HEALTH_TIMEOUT = float(os.environ.get("KNOTWORK_HEALTH_TIMEOUT") or 180)
SHUTDOWN_TIMEOUT = 10.0
HTTP_TIMEOUT = 60
RECORD_NUMBER = re.compile(r"^KW-(\d+)$")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def knotwork_binary() -> str:
    binary = os.environ.get("KNOTWORK_BIN") or str(DEFAULT_BIN)
    # The binary may be in the middle of being replaced by a rebuild: give it a moment.
    deadline = time.monotonic() + 120
    while not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        if time.monotonic() > deadline:
            pytest.fail(f"Knotwork binary {binary} not found or not executable: build it first (make build) "
                        f"or point KNOTWORK_BIN at it", pytrace=False)
        time.sleep(2)
    return binary


def psql(admin_url: str, sql: str) -> None:
    exe = shutil.which("psql")
    if exe is None:
        pytest.fail("psql not found on PATH (make deps installs postgresql)", pytrace=False)
    proc = subprocess.run([exe, "-X", "-q", "-v", "ON_ERROR_STOP=1", admin_url, "-c", sql],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise RuntimeError(f"psql -c {sql!r} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")


def database_url_for(admin_url: str, name: str) -> str:
    """The admin URL with its database (the path) replaced by NAME; query and user kept."""
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=database_url)
    return subprocess.run([knotwork_binary(), *args], env=env, capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)


def free_ports(count: int) -> list[int]:
    """COUNT distinct free ports (the sockets are held open together so they cannot repeat)."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def describe(r: requests.Response) -> str:
    """A request and its answer, for assertion messages."""
    body = r.text[:600].replace("\n", " ")
    return (f"{r.request.method} {r.request.url} -> {r.status_code}; Location={r.headers.get('Location')!r}; "
            f"Retry-After={r.headers.get('Retry-After')!r}; body: {body}")


class _HiddenInputs(HTMLParser):
    """Collects each form's hidden inputs, keyed by the form's id."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._form: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = a.get("id") or ""
            self.forms.setdefault(self._form, {})
        elif tag == "input" and self._form is not None and (a.get("type") or "").lower() == "hidden" and a.get("name"):
            self.forms[self._form][a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def hidden_input(html: str, form_id: str, name: str) -> str:
    parser = _HiddenInputs()
    parser.feed(html)
    value = parser.forms.get(form_id, {}).get(name)
    assert value, f"no hidden input {name!r} in form#{form_id}; forms seen: {parser.forms}"
    return value


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log_path: str
    stopped: bool = False
    exit_code: int | None = None
    stop_seconds: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return Path(self.log_path).read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> tuple[int | None, float | None]:
        """SIGTERM, wait up to SHUTDOWN_TIMEOUT; SIGKILL if it is still running. Idempotent.

        Returns (exit code, seconds taken); the exit code is None when it had to be killed."""
        with self.lock:
            if self.stopped:
                return self.exit_code, self.stop_seconds
            self.stopped = True
            if self.process.poll() is not None:  # exited on its own (a crash): report that
                self.exit_code, self.stop_seconds = self.process.returncode, 0.0
                return self.exit_code, self.stop_seconds
            t0 = time.monotonic()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.exit_code = self.process.wait(timeout=SHUTDOWN_TIMEOUT)
                self.stop_seconds = time.monotonic() - t0
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
                self.exit_code, self.stop_seconds = None, None
            return self.exit_code, self.stop_seconds


def start_server(name: str, database_url: str, port: int, log_dir: str, demo: bool) -> Server:
    log_path = os.path.join(log_dir, f"server-{name}.log")
    args = [knotwork_binary(), "serve"] + (["--demo"] if demo else []) + ["--hostname", "127.0.0.1", "--port", str(port)]
    env = dict(os.environ, DATABASE_URL=database_url)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(name=name, url=f"http://127.0.0.1:{port}", process=proc, log_path=log_path)
    deadline = time.monotonic() + HEALTH_TIMEOUT
    last: object = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            server.stopped, server.exit_code = True, proc.returncode
            pytest.fail(f"server {name} ({' '.join(args)}) exited with {proc.returncode} before becoming healthy:\n"
                        f"{server.log_tail()}", pytrace=False)
        try:
            r = requests.get(server.url + "/healthz", timeout=3)
            if r.status_code == 200:
                return server
            last = r.status_code
        except requests.RequestException as e:
            last = e
        time.sleep(0.5)
    server.stop()
    pytest.fail(f"server {name}: {server.url}/healthz not 200 after {HEALTH_TIMEOUT:.0f}s (last: {last}):\n"
                f"{server.log_tail()}", pytrace=False)


def signin_page(server: Server) -> tuple[str, str]:
    """GET /signin like a browser: returns (kw_presession cookie, the form's _csrf)."""
    r = requests.get(server.url + "/signin", timeout=HTTP_TIMEOUT, allow_redirects=False)
    assert r.status_code == 200, describe(r)
    presession = r.cookies.get("kw_presession")
    assert presession, f"no kw_presession cookie: {describe(r)}; Set-Cookie={r.headers.get('Set-Cookie')!r}"
    return presession, hidden_input(r.text, "signin", "_csrf")


def post_signin(server: Server, username: str, password: str) -> requests.Response:
    presession, csrf = signin_page(server)
    return requests.post(server.url + "/signin", data={"username": username, "password": password, "_csrf": csrf},
                         cookies={"kw_presession": presession}, timeout=HTTP_TIMEOUT, allow_redirects=False)


def create_patient(server: Server, token: str, given: str, family: str) -> requests.Response:
    return requests.post(server.url + "/api/v1/patients",
                         json={"givenName": given, "familyName": family, "dateOfBirth": "1980-01-01", "sex": "female"},
                         headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                         timeout=HTTP_TIMEOUT)


def record_sequence(r: requests.Response) -> int:
    assert r.status_code == 201, describe(r)
    number = r.json().get("recordNumber", "")
    m = RECORD_NUMBER.match(number)
    assert m, f"record number {number!r} is not KW-nnnnnn: {describe(r)}"
    return int(m.group(1))


def unique_name(prefix: str) -> str:
    # Letters only: names must not look like duplicates of each other (409 otherwise).
    return prefix + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10))


# --------------------------------------------------------------------------------------------
# Fixtures: one database and two servers for the whole module, always cleaned up
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def admin_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", "").strip()
    if not url:
        pytest.fail("TEST_POSTGRES_URL is not set: this test needs a throwaway PostgreSQL cluster "
                    "(superuser URL on 127.0.0.1, e.g. postgres://postgres@127.0.0.1:54329/postgres). "
                    "Start one with `scripts/pg-up.sh .test-env` (or `make pg-up`) and export the "
                    "TEST_POSTGRES_URL it writes; `make test` does this for you.", pytrace=False)
    return url


@pytest.fixture(scope="module")
def database_url(admin_url, request) -> str:
    name = f"kw_multi_{os.getpid()}_{secrets.token_hex(4)}"
    psql(admin_url, f'CREATE DATABASE "{name}"')

    def drop():
        psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    request.addfinalizer(drop)
    return database_url_for(admin_url, name)


@pytest.fixture(scope="module")
def log_dir(request) -> str:
    d = tempfile.mkdtemp(prefix="knotwork-multi.")
    request.addfinalizer(lambda: shutil.rmtree(d, ignore_errors=True))
    return d


@pytest.fixture(scope="module")
def servers(database_url, log_dir, request) -> tuple[Server, Server]:
    port_a, port_b = free_ports(2)
    started: list[Server] = []

    def stop_all():
        # Runs before the database is dropped (finalizers run in reverse order of setup).
        problems = []
        for s in started:
            already = s.stopped  # then test_both_servers_stop_cleanly_on_sigterm has judged it
            code, seconds = s.stop()
            if code != 0 and not already:
                problems.append(f"server {s.name} (pid {s.process.pid}) did not exit cleanly on SIGTERM "
                                f"(exit code {code}, {seconds} s):\n{s.log_tail()}")
        assert not problems, "\n".join(problems)

    request.addfinalizer(stop_all)
    # A migrates the fresh database and seeds the demo clinic; B finds both already done.
    started.append(start_server("A", database_url, port_a, log_dir, demo=True))
    started.append(start_server("B", database_url, port_b, log_dir, demo=False))
    return started[0], started[1]


@pytest.fixture(scope="module")
def api_token(database_url, servers) -> str:
    proc = run_cli(database_url, "token", "create", "--username", "fran.desk", "--name", "multi")
    assert proc.returncode == 0, f"knotwork token create exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("kw_"), f"no kw_... token on the last line of stdout:\n{proc.stdout}\n{proc.stderr}"
    return lines[-1]


# --------------------------------------------------------------------------------------------
# Tests (in file order)
# --------------------------------------------------------------------------------------------

def test_session_from_a_works_on_b_and_sign_out_on_b_ends_it_on_a(servers):
    a, b = servers

    r = post_signin(a, "ana.lmt", DEMO_PASSWORD)
    assert r.status_code == 303, f"sign-in on A: {describe(r)}"
    session = r.cookies.get("kw_session")
    assert session, f"sign-in on A set no kw_session cookie: Set-Cookie={r.headers.get('Set-Cookie')!r}"
    cookies = {"kw_session": session}

    # The session A created is valid on B.
    r = requests.get(b.url + "/patients", cookies=cookies, timeout=HTTP_TIMEOUT, allow_redirects=False)
    assert r.status_code == 200, f"A's session on B: {describe(r)}"
    assert 'id="patient-results"' in r.text, f"B's /patients has no #patient-results: {describe(r)}"
    assert "Ana Lindqvist" in r.text, "B's page does not show the signed-in user (ana.lmt)"

    # Sign out on B, with the CSRF token B's own page carries.
    csrf = hidden_input(r.text, "signout", "_csrf")
    r = requests.post(b.url + "/signout", data={"_csrf": csrf}, cookies=cookies, timeout=HTTP_TIMEOUT,
                      allow_redirects=False)
    assert r.status_code == 303, f"sign-out on B: {describe(r)}"
    assert (r.headers.get("Location") or "").startswith("/signin"), f"sign-out on B: {describe(r)}"

    # ...and the session is over on A too.
    r = requests.get(a.url + "/patients", cookies=cookies, timeout=HTTP_TIMEOUT, allow_redirects=False)
    assert r.status_code == 303, f"A still accepts the session B signed out: {describe(r)}"
    assert (r.headers.get("Location") or "").startswith("/signin"), f"A after sign-out on B: {describe(r)}"
    # And on B.
    r = requests.get(b.url + "/patients", cookies=cookies, timeout=HTTP_TIMEOUT, allow_redirects=False)
    assert r.status_code == 303 and (r.headers.get("Location") or "").startswith("/signin"), describe(r)


def test_sign_in_throttling_is_shared(servers):
    a, b = servers
    username = unique_name("nobody.")  # made up: no such user

    for i in range(1, 6):
        r = post_signin(a, username, "not-the-password-" + str(i))
        assert r.status_code == 401, f"failed sign-in {i} of 5 on A: {describe(r)}"

    r = post_signin(b, username, "not-the-password-6")
    assert r.status_code == 429, f"6th failed sign-in, on B, after 5 on A: {describe(r)}"
    retry_after = r.headers.get("Retry-After")
    assert retry_after and retry_after.isdigit() and int(retry_after) > 0, f"429 without a valid Retry-After: {describe(r)}"


def test_record_numbers_are_drawn_from_one_sequence(servers, api_token):
    a, b = servers
    on_a = record_sequence(create_patient(a, api_token, unique_name("Multi"), unique_name("Alpha")))
    on_b = record_sequence(create_patient(b, api_token, unique_name("Multi"), unique_name("Bravo")))
    assert on_a != on_b, f"A and B both handed out KW-{on_a:06d}"
    assert on_b == on_a + 1, f"record numbers not consecutive: A drew KW-{on_a:06d}, then B drew KW-{on_b:06d}"


def test_concurrent_writes_through_both_servers(servers, api_token):
    """Both processes create patients at the same time: every record number is drawn once, with
    no gaps (each creation and its audit row commit together), and the audit chain (checked by
    the last test) stays intact."""
    a, b = servers
    per_thread, threads_per_server = 4, 3
    results: list[requests.Response] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(server: Server):
        try:
            for _ in range(per_thread):
                r = create_patient(server, api_token, unique_name("Conc"), unique_name("Current"))
                with lock:
                    results.append(r)
        except BaseException as e:  # noqa: BLE001 - reported below
            with lock:
                errors.append(e)

    workers = [threading.Thread(target=work, args=(s,)) for s in (a, b) for _ in range(threads_per_server)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=300)
    assert not errors, f"requests failed: {errors!r}"
    assert len(results) == per_thread * threads_per_server * 2
    numbers = sorted(record_sequence(r) for r in results)
    assert len(set(numbers)) == len(numbers), f"a record number was handed out twice: {numbers}"
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), f"record numbers have gaps: {numbers}"


def test_both_servers_stop_cleanly_on_sigterm(servers):
    for s in servers:
        code, seconds = s.stop()
        assert code is not None, (f"server {s.name} (pid {s.process.pid}) still running {SHUTDOWN_TIMEOUT:.0f}s after "
                                  f"SIGTERM (killed):\n{s.log_tail()}")
        assert code == 0, f"server {s.name} exited with {code} after SIGTERM (in {seconds:.1f}s):\n{s.log_tail()}"


def test_audit_chain_is_intact(database_url, servers):
    proc = run_cli(database_url, "audit", "verify")
    assert proc.returncode == 0, f"knotwork audit verify exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    assert "intact" in proc.stdout, f"knotwork audit verify did not say 'intact':\n{proc.stdout}\n{proc.stderr}"
