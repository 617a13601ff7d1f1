"""Real OpenID Connect sign-in for the system tests: oidc-provider-mock as the identity provider,
a real `streamlit run` server with an `[auth]` section, and Playwright helpers that sign a user in
and out through the provider's own form in chromium.

    with serve_with_sign_in(demo_db, tmp_path, ROLES_CSV) as (app_url, provider):
        provider.set_claims("kent.pcc@example.org", {"groups": ["pcc-kent"]})
        with chromium() as browser, browser_context(browser) as context:
            page = context.new_page()
            sign_in(page, app_url, "kent.pcc@example.org")
            ...
            sign_out(page)

Each signed-in user needs a browser context of their own: the identity is a cookie.
"""

import contextlib
import json
import secrets as random_secrets
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

from tests.system.served import free_port, serve, wait_until_answering
from tests.system.test_browser import CHROMIUM, CHROMIUM_ARGS

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# Streamlit 1.67's signed identity cookie (and _streamlit_user_tokens beside it)
USER_COOKIE = "_streamlit_user"
# a page of the app, a round trip through the provider, or a first run of a page, in ms
TIMEOUT = 60_000


class SignInError(AssertionError):
    """A sign-in or sign-out did not end where it should; the message says where it stopped."""


@dataclass(frozen=True)
class Provider:
    """A running oidc-provider-mock: any client id, secret and redirect URI is accepted."""

    url: str
    log: Path

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def set_claims(self, sub: str, claims: dict[str, object]) -> None:
        """Give the subject these ID token claims from its next sign-in on (custom ones such as
        `groups` or `oid` included). They replace the subject's claims, so `email` is the
        subject unless `claims` names another."""
        body = json.dumps({"email": sub} | claims).encode()
        request = urllib.request.Request(
            f"{self.url}/users/{urllib.parse.quote(sub, safe='')}",
            data=body,
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 204:
                raise SignInError(f"PUT /users/{sub} answered {response.status}")


@contextlib.contextmanager
def oidc_provider(folder: Path, timeout: float = 30) -> Iterator[Provider]:
    """Run oidc-provider-mock on a free port of 127.0.0.1 (log in folder/oidc-provider.log),
    yield it once its discovery document answers, and stop it afterwards."""
    port = free_port()
    log = folder / "oidc-provider.log"
    command = [
        sys.executable,
        "-m",
        "oidc_provider_mock",
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
    ]
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out)
    provider = Provider(url=f"http://127.0.0.1:{port}", log=log)
    try:
        wait_until_answering(provider.metadata_url, process, "oidc-provider-mock", timeout, log)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=20)


def write_secrets(folder: Path, provider: Provider, port: int, app_url: str | None = None) -> Path:
    """Write folder/secrets.toml with the `[auth]` section of an app served as
    http://localhost:PORT, or opened at app_url when given (a reverse proxy's address), signing
    in through the provider; return its path."""
    app_url = app_url or f"http://localhost:{port}"
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url.rstrip("/")}/oauth2callback"\n'
        f'cookie_secret = "{random_secrets.token_hex(32)}"\n'
        'client_id = "oversight-tests"\n'
        'client_secret = "oversight-tests-secret"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )
    return path


class SignInServer(NamedTuple):
    """An app served with sign-in: its URL (on localhost, as the redirect_uri says) and the
    provider it signs in through."""

    url: str
    provider: Provider


@contextlib.contextmanager
def serve_with_sign_in(
    db_path: Path,
    folder: Path,
    roles_csv_text: str | None = None,
    app: str | Path = "app.py",
    **env: str,
) -> Iterator[SignInServer]:
    """Start a provider and serve the app with an `[auth]` section pointing at it (and, when
    given, the roles file as OVERSIGHT_ROLES); yield (app_url, provider), stop both afterwards.

    Args:
        db_path: the database, as OVERSIGHT_DB.
        folder: an empty folder of the test's own: secrets.toml, roles.csv and the logs.
        roles_csv_text: the roles file's text (header `email,role,force_code`), if any.
        app: the script, relative to the project root or absolute.
        **env: more environment variables for the server.
    """
    with oidc_provider(folder) as provider:
        # the redirect_uri names the port, so it is chosen before the server starts
        port = free_port()
        secrets = write_secrets(folder, provider, port)
        if roles_csv_text is not None:
            roles = folder / "roles.csv"
            roles.write_text(roles_csv_text)
            env = {"OVERSIGHT_ROLES": str(roles)} | env
        with serve(db_path, folder / "streamlit.log", app=app, secrets=secrets, port=port, **env):
            yield SignInServer(f"http://localhost:{port}", provider)


@contextlib.contextmanager
def chromium(
    playwright: Playwright | None = None, extra_args: Sequence[str] = ()
) -> Iterator[Browser]:
    """Debian's headless chromium, as in test_browser.py (starting Playwright if not given),
    with extra_args on its command line (such as --host-resolver-rules)."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/test.sh to install it"
    with contextlib.ExitStack() as stack:
        if playwright is None:
            playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args]
        )
        stack.callback(browser.close)
        yield browser


def _only_to(hosts: frozenset[str]) -> Callable[[Route], None]:
    # the provider's pages load a stylesheet from a public CDN; tests never reach outside
    def route_or_refuse(route: Route) -> None:
        if urllib.parse.urlsplit(route.request.url).hostname in hosts:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    return route_or_refuse


@contextlib.contextmanager
def browser_context(
    browser: Browser, allowed_hosts: Iterable[str] = (), **options
) -> Iterator[BrowserContext]:
    """A fresh browser context (its own cookies, so its own user) that may reach only
    localhost and 127.0.0.1, and the allowed_hosts (names the browser maps to loopback, such
    as a reverse proxy's); closed afterwards. `options` go to Browser.new_context."""
    context = browser.new_context(**({"viewport": {"width": 1400, "height": 1000}} | options))
    context.route("**/*", _only_to(LOOPBACK_HOSTS | frozenset(allowed_hosts)))
    try:
        yield context
    finally:
        context.close()


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_signed_in(page: Page) -> bool:
    """Whether the page's browser context holds Streamlit's identity cookie."""
    return any(cookie["name"] == USER_COOKIE for cookie in page.context.cookies())


def sign_in(
    page: Page,
    app_url: str,
    email: str,
    sign_in_button: str = "Sign in",
    sign_out_button: str = "Sign out",
    timeout: float = TIMEOUT,
) -> None:
    """Open the app, press its sign-in button, sign in at the provider as `email`, and wait
    until the app is back and shows its sign-out button.

    Streamlit always returns to the app's home page after a sign-in (a path or query of
    app_url is lost): go to another page afterwards.
    """
    page.goto(app_url)
    page.get_by_role("button", name=sign_in_button, exact=True).click(timeout=timeout)
    page.wait_for_url("**/oauth2/authorize?**", timeout=timeout)
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    # back from the provider through /oauth2callback, which sets the cookie and redirects
    page.wait_for_url(lambda url: "/oauth2/authorize" not in url, timeout=timeout)
    if not is_signed_in(page) or _origin(page.url) != _origin(app_url):
        raise SignInError(
            f"opened {app_url}, came back on {page.url} without Streamlit's identity cookie: "
            "the app must be opened on the host of its redirect_uri (localhost, not 127.0.0.1)"
        )
    page.get_by_role("button", name=sign_out_button, exact=True).wait_for(timeout=timeout)


def sign_out(
    page: Page,
    sign_in_button: str = "Sign in",
    sign_out_button: str = "Sign out",
    timeout: float = TIMEOUT,
) -> None:
    """Press the app's sign-out button, end the session at the provider (Streamlit sends the
    browser to its end_session page), and wait until the app shows its sign-in button."""
    app_origin = _origin(page.url)
    # st.logout sends the browser to /auth/logout, which clears the cookie and redirects to
    # the provider's end_session page (or, for a provider without one, back to the app)
    page.get_by_role("button", name=sign_out_button, exact=True).click(timeout=timeout)
    # /auth/logout answers with a redirect to the provider's end_session page (the mock
    # always offers one): wait for where it ends, not for the first step
    page.wait_for_url("**/oauth2/end_session**", timeout=timeout)
    if "/oauth2/end_session" in page.url:
        page.get_by_role("button", name="End session", exact=True).click()
        page.wait_for_url(lambda url: url.startswith(app_origin), timeout=timeout)
    page.get_by_role("button", name=sign_in_button, exact=True).wait_for(timeout=timeout)
    if is_signed_in(page):
        raise SignInError(f"signed out, but the identity cookie is still set at {page.url}")
