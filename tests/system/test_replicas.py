"""The staff dashboard as three replicas behind the shipped deploy/nginx/replicas.conf (only its
ports, certificate, snippet and log paths moved to this test's own), all with one secrets.toml
and one data file. A browser signs in through nginx and changes a filter; the replica serving it
is killed, and the page carries on from another, still signed in; then an import of the shared
data file is seen by every replica still running."""

import datetime as dt
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, WebSocket

from oversight.demo import write_synthetic_extract
from oversight.ingest import import_extract
from oversight.settings import PROJECT_ROOT
from tests.system.served import free_port, serve
from tests.system.signin import (
    SignInServer,
    browser_context,
    chromium,
    oidc_provider,
    sign_in,
    write_secrets,
)
from tests.system.test_browser import _drawn
from tests.system.test_reverse_proxy import (
    NATIONAL,
    NGINX,
    RESOLVE_STAFF_NAME,
    STAFF_NAME,
    nginx_serving,
    shipped_site,
)

pytestmark = pytest.mark.browser

SHIPPED_PORTS = (8511, 8512, 8513)
ROUTE_COOKIE = "oversight_route"
FIRST_AS_AT = dt.date(2025, 3, 31)
SECOND_AS_AT = dt.date(2025, 6, 30)
FY2024 = ("Financial year 2024/25", dt.date(2024, 4, 1), dt.date(2025, 3, 31))
# one request in replicas.conf's log format: the request line, the route and the replicas tried
LOG_LINE = re.compile(
    r'"(?P<request>[^"]*)" \d+ \d+ route=(?P<route>\S+) replica="(?P<tried>[^"]*)"'
)


def _reports(extracts: list[dict[str, Path]]) -> pd.DataFrame:
    return pd.concat([pd.read_csv(e["reports"], dtype=str) for e in extracts])


def _received_within(reports: pd.DataFrame, first: dt.date, last: dt.date) -> int:
    received = pd.to_datetime(reports["received_at"].str[:10]).dt.date
    return int(((received >= first) & (received <= last)).sum())


def _as_at(extracts: list[dict[str, Path]]) -> dt.date:
    """The latest date anywhere in the extracts (docs/metrics.md, "as at"), worked out here."""
    dates = []
    for kind, columns in [("reports", ["received_at"]), ("outcomes", ["decided_at"]),
                          ("referrals", ["referred_at", "assessed_at"])]:  # fmt: skip
        frame = pd.concat([pd.read_csv(e[kind], dtype=str) for e in extracts])
        dates += [frame[c].dropna().str[:10].max() for c in columns]
    return dt.date.fromisoformat(max(dates))


def _served(access_log: Path) -> list[tuple[str, str, str]]:
    """(route, replica that answered, request line) for each request nginx logged."""
    found = []
    for line in access_log.read_text().splitlines():
        match = LOG_LINE.search(line)
        if match and match["tried"] not in ("", "-"):
            # after a failed try the field lists every replica tried: the last one answered
            found.append((match["route"], match["tried"].split(", ")[-1], match["request"]))
    return found


def _replicas_of(access_log: Path, route: str) -> set[str]:
    return {replica for r, replica, _ in _served(access_log) if r == route}


def _answered_since(access_log: Path, route: str, since: int, killed: str) -> set[str]:
    """The replicas that answered the route's requests from the since-th logged request on,
    but for the websocket the kill dropped (nginx logs a websocket when it closes)."""
    return {
        replica
        for r, replica, request in _served(access_log)[since:]
        if r == route and not (replica == killed and "/_stcore/stream " in request)
    }


def _logged(access_log: Path, route: str, page: Page | None = None) -> set[str]:
    """_replicas_of once nginx has logged the route's request (it writes the line just after
    the answer), waiting on the page if one is open (Playwright lets a page's requests through
    only while it is called)."""
    deadline = time.monotonic() + 10
    while not (found := _replicas_of(access_log, route)) and time.monotonic() < deadline:
        page.wait_for_timeout(50) if page else time.sleep(0.05)
    return found


def _pid_serving(port: int) -> int:
    """The process of the `streamlit run` server on this port (tests/system/served.py)."""
    wanted = f"--server.port={port}".encode()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and wanted in (entry / "cmdline").read_bytes().split(b"\0"):
                return int(entry.name)
        except OSError:
            continue  # a process that ended meanwhile
    raise LookupError(f"no streamlit server on port {port}")


def _route_to_each(https: int, access_log: Path, replicas: set[str]) -> dict[str, str]:
    """A route cookie value that nginx sends to each replica, found by asking through nginx."""
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    routes: dict[str, str] = {}
    for n in range(200):
        route = f"probe-{n}"
        request = urllib.request.Request(
            f"https://127.0.0.1:{https}/_stcore/health",
            headers={"Host": STAFF_NAME, "Cookie": f"{ROUTE_COOKIE}={route}"},
        )
        with urllib.request.urlopen(request, context=unverified, timeout=10):
            pass
        (replica,) = _logged(access_log, route)
        routes.setdefault(replica, route)
        if set(routes) == replicas:
            return routes
    raise AssertionError(f"no route found to {replicas - set(routes)}")


def _choose_period(page: Page, label: str, key: str) -> None:
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name=label).click()
    # the default period ("all") leaves the URL without one
    page.wait_for_function(
        "key => (new URLSearchParams(location.search).get('period') || 'all') === key",
        arg=key,
        timeout=30_000,
    )
    page.wait_for_timeout(500)
    _drawn(page, f"overview, {label}")


def _shows(page: Page, as_at: dt.date, reports: int) -> None:
    page.get_by_text(f"Data as at {as_at.isoformat()}.", exact=True).wait_for(timeout=60_000)
    page.wait_for_function(
        """shown => [...document.querySelectorAll('[data-testid=stMetric]')].some(m =>
            m.querySelector('[data-testid=stMetricLabel]').innerText.trim() === 'Reports'
            && m.querySelector('[data-testid=stMetricValue]').innerText.trim() === shown)""",
        arg=f"{reports:,}",
        timeout=60_000,
    )


def _signed_in(page: Page) -> None:
    page.get_by_test_id("stSidebar").get_by_text(
        f"Signed in as {NATIONAL} (national oversight)", exact=True
    ).wait_for(timeout=60_000)


class Streams:
    """The page's websockets to Streamlit, in the order opened, with the frames each received."""

    def __init__(self, page: Page):
        self.frames: dict[WebSocket, int] = {}
        page.on("websocket", self._opened)

    def _opened(self, socket: WebSocket) -> None:
        self.frames[socket] = 0
        socket.on("framereceived", lambda _: self.frames.update({socket: self.frames[socket] + 1}))

    def opened_since(self, count: int) -> list[WebSocket]:
        return list(self.frames)[count:]


@dataclass(frozen=True)
class Replicas:
    """Three replicas behind nginx."""

    signed: SignInServer  # the app's address through nginx, and the provider
    log: Path  # nginx's access log of the staff name
    https: int  # nginx's port
    db: Path  # the data file every replica reads
    addresses: list[str]  # each replica's address, as nginx logs it


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> list[dict[str, Path]]:
    """A first extract, and a second of new reports with later dates for the import."""
    root = tmp_path_factory.mktemp("replica_extracts")
    return [
        write_synthetic_extract(root / "first", n_reports=2_000, seed=21, as_at=FIRST_AS_AT),
        write_synthetic_extract(
            root / "second", n_reports=600, seed=22, as_at=SECOND_AS_AT, id_prefix="S-"
        ),
    ]


@pytest.fixture(scope="module")
def replicas(extracts, tmp_path_factory) -> Iterator[Replicas]:
    assert Path(NGINX).exists(), "nginx is missing: scripts/test.sh installs nginx-light"
    folder = tmp_path_factory.mktemp("replicas")
    db = folder / "shared" / "oversight.duckdb"
    db.parent.mkdir()
    import_extract(list(extracts[0].values()), db)  # as real data: the CLI adds none to a demo
    https, http = free_port(), free_port()
    ports = [free_port() for _ in SHIPPED_PORTS]
    app_url = f"https://{STAFF_NAME}:{https}"
    roles = folder / "roles.csv"
    roles.write_text(f"email,role,force_code\n{NATIONAL},national,\n")
    access_log = folder / "staff.access.log"
    swaps = [
        (f"server 127.0.0.1:{shipped} ", f"server 127.0.0.1:{port} ")
        for shipped, port in zip(SHIPPED_PORTS, ports, strict=True)
    ] + [
        ("server 127.0.0.1:8502;", f"server 127.0.0.1:{ports[0]};"),
        ("/var/log/nginx/oversight-staff.access.log", str(access_log)),
    ]
    with oidc_provider(folder) as provider, ExitStack() as stack:
        # one secrets file for all: the same cookie secret, and the proxy's redirect_uri
        secrets = write_secrets(folder, provider, ports[0], app_url)
        for port in ports:
            log = folder / f"streamlit-{port}.log"
            env = {"OVERSIGHT_ROLES": str(roles), "OVERSIGHT_VALIDATE_CHARTS": "0"}
            stack.enter_context(serve(db, log, secrets=secrets, port=port, **env))
        site = shipped_site(folder, "replicas.conf", https, http, swaps)
        stack.enter_context(nginx_serving(folder, site, https))
        yield Replicas(
            SignInServer(app_url, provider), access_log, https, db,
            [f"127.0.0.1:{port}" for port in ports],
        )  # fmt: skip


def test_a_session_survives_its_replica_and_an_import_reaches_every_replica(replicas, extracts):
    started = time.monotonic()
    app_url = replicas.signed.url
    first, both = _reports(extracts[:1]), _reports(extracts)
    label, fy_first, fy_last = FY2024
    routes = _route_to_each(replicas.https, replicas.log, set(replicas.addresses))
    with (
        chromium(extra_args=[RESOLVE_STAFF_NAME]) as browser,
        browser_context(browser, allowed_hosts=[STAFF_NAME], ignore_https_errors=True) as context,
    ):
        page = context.new_page()
        streams = Streams(page)
        sign_in(page, app_url, NATIONAL)
        page.goto(f"{app_url}/overview?period=all")
        _drawn(page, "overview through the replicas")
        _shows(page, FIRST_AS_AT, len(first))
        _choose_period(page, label, "fy2024")
        _shows(page, FIRST_AS_AT, _received_within(first, fy_first, fy_last))
        _signed_in(page)

        # every request of this browser, sign-in included, went to one replica
        cookies = {cookie["name"]: cookie for cookie in context.cookies(app_url)}
        route = cookies[ROUTE_COOKIE]
        assert route["secure"] and route["httpOnly"] and route["sameSite"] == "Lax"
        (serving,) = _replicas_of(replicas.log, route["value"])
        assert any(
            r == route["value"] and "/oauth2callback?" in request
            for r, _, request in _served(replicas.log)
        ), "the sign-in's return did not come through nginx with the route cookie"

        opened_before_kill = len(streams.frames)
        os.kill(_pid_serving(int(serving.rsplit(":", 1)[1])), signal.SIGKILL)
        killed_at = len(_served(replicas.log))
        # Streamlit's page notices, asks for its health and reconnects: through nginx, which
        # finds the replica gone and sends the browser to the next one
        deadline = time.monotonic() + 60
        while len(_replicas_of(replicas.log, route["value"]) - {serving}) == 0:
            assert time.monotonic() < deadline, "the page did not reconnect through nginx"
            # not time.sleep: Playwright lets the page's requests through only while it is called
            page.wait_for_timeout(200)
        page.get_by_text("Connecting").wait_for(state="detached", timeout=60_000)
        # Streamlit's page reconnects without rerunning: it shows what it showed until the next
        # action, which reruns it on the new replica: here a change of period, which must be
        # kept although the new session has only the address's period (the one before)
        stream = streams.opened_since(opened_before_kill)[-1]
        received = streams.frames[stream]
        _choose_period(page, "All stored reports", "all")
        assert streams.frames[stream] > received, "the change was not answered on the new socket"
        _signed_in(page)
        _shows(page, FIRST_AS_AT, len(first))
        moved = _answered_since(replicas.log, route["value"], killed_at, serving)
        assert len(moved) == 1 and serving not in moved, moved

        imported = subprocess.run(
            [sys.executable, "-m", "oversight", "import",
             *map(str, extracts[1].values()), "--db", str(replicas.db)],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert imported.returncode == 0, imported.stderr
        new_as_at = _as_at(extracts)
        assert new_as_at > FIRST_AS_AT
        # the open page reads the new version at its next rerun
        _choose_period(page, label, "fy2024")
        _shows(page, new_as_at, _received_within(both, fy_first, fy_last))

        # and a new session on each replica still running reads it too
        for replica in sorted(set(replicas.addresses) - {serving}):
            context.add_cookies([{
                "name": ROUTE_COOKIE, "value": routes[replica], "domain": STAFF_NAME,
                "path": "/", "secure": True, "httpOnly": True, "sameSite": "Lax",
            }])  # fmt: skip
            other = context.new_page()
            other.goto(f"{app_url}/overview?period=all")
            _drawn(other, f"overview on {replica}")
            _signed_in(other)
            _shows(other, new_as_at, len(both))
            assert _logged(replicas.log, routes[replica], other) == {replica}
            other.close()
    print(f"replicas: sign-in, kill, reconnect and import in {time.monotonic() - started:.1f} s")
