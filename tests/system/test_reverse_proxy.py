"""The reference deployment's reverse proxy: Debian's nginx, started from the shipped
deploy/nginx files (only its ports, certificate and snippet paths moved to this test's own), in
front of a real staff server, and a real browser using the dashboard through it over TLS, and
signing in and out through it (tests/system/signin.py's provider and helpers)."""

import contextlib
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from oversight.settings import PROJECT_ROOT
from tests.system.served import free_port, serve
from tests.system.signin import (
    USER_COOKIE,
    SignInServer,
    browser_context,
    chromium,
    oidc_provider,
    sign_in,
    sign_out,
    write_secrets,
)
from tests.system.test_browser import CHROMIUM, CHROMIUM_ARGS, _drawn

pytestmark = pytest.mark.browser

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = PROJECT_ROOT / "deploy" / "nginx"
STAFF_NAME = "oversight-staff.example"
# the browser finds the staff name on loopback, where nginx listens
RESOLVE_STAFF_NAME = f"--host-resolver-rules=MAP {STAFF_NAME} 127.0.0.1"
NATIONAL = "national@example.org"


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={STAFF_NAME}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def shipped_site(
    folder: Path, name: str, https: int, http: int, swaps: list[tuple[str, str]]
) -> Path:
    """The shipped site file deploy/nginx/<name> with this test's ports, certificate and
    snippet, and the swaps (shipped text, text here) given: nothing else changed."""
    cert, key = _certificate(folder)
    snippet = folder / "oversight-proxy.conf"
    shutil.copy(DEPLOY / "proxy.conf", snippet)
    text = (DEPLOY / name).read_text()
    for shipped, here in [
        *swaps,
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("/etc/ssl/oversight/fullchain.pem", str(cert)),
        ("/etc/ssl/oversight/privkey.pem", str(key)),
        ("/etc/nginx/snippets/oversight-proxy.conf", str(snippet)),
    ]:
        assert shipped in text, shipped
        text = text.replace(shipped, here)
    site = folder / name
    site.write_text(text)
    return site


def _site(folder: Path, staff_port: int, https: int, http: int) -> Path:
    """oversight.conf with this test's ports and paths (nothing else changed)."""
    return shipped_site(folder, "oversight.conf", https, http, [
        ("server 127.0.0.1:8501;", f"server 127.0.0.1:{staff_port};"),
        ("server 127.0.0.1:8502;", f"server 127.0.0.1:{staff_port};"),
    ])  # fmt: skip


@contextlib.contextmanager
def nginx_serving(folder: Path, site: Path, https: int):
    """Run nginx on the site file, with its logs and temporary files in folder, until done."""
    main = folder / "nginx.conf"
    main.write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nworker_processes 1;\n"
        "events {}\n"
        f"http {{\n  access_log {folder}/access.log;\n"
        + "".join(
            f"  {kind}_temp_path {folder}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {site};\n}}\n"
    )
    checked = subprocess.run([NGINX, "-t", "-c", str(main)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [NGINX, "-c", str(main), "-g", "daemon off;"], stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", https), 1):
                break
            time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def proxied(demo_db, tmp_path_factory):
    assert Path(NGINX).exists(), "nginx is missing: scripts/test.sh installs nginx-light"
    folder = tmp_path_factory.mktemp("nginx")
    https, http = free_port(), free_port()
    with serve(demo_db, folder / "streamlit.log") as staff_url:
        site = _site(folder, int(staff_url.rsplit(":", 1)[1]), https, http)
        with nginx_serving(folder, site, https):
            yield {"https": https, "http": http}


def test_plain_http_is_redirected_to_https(proxied):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(
        f"http://127.0.0.1:{proxied['http']}/forces", headers={"Host": STAFF_NAME}
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=10)
    assert answer.value.code == 301
    assert answer.value.headers["Location"] == f"https://{STAFF_NAME}/forces"


def test_the_dashboard_works_through_the_proxy_over_tls(proxied):
    """The page loads over HTTPS, its websocket goes through nginx (the figures are drawn), and
    nginx adds its security headers."""
    args = [*CHROMIUM_ARGS, RESOLVE_STAFF_NAME]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            page = browser.new_context(ignore_https_errors=True).new_page()
            response = page.goto(f"https://{STAFF_NAME}:{proxied['https']}/?period=fy2024")
            assert response.headers["strict-transport-security"] == "max-age=31536000"
            assert response.headers["x-content-type-options"] == "nosniff"
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            page.get_by_role("heading", name="Overview").first.wait_for(timeout=60_000)
            _drawn(page, "overview through nginx")
            assert page.locator("[data-testid='stMetric']").count() > 0
        finally:
            browser.close()


@pytest.fixture(scope="module")
def proxied_with_sign_in(demo_db, tmp_path_factory):
    """A staff server with sign-in behind nginx: its redirect_uri is the proxy's address, as in
    a deployment. Yields ((https://oversight-staff.example:PORT, provider), nginx's access
    log)."""
    assert Path(NGINX).exists(), "nginx is missing: scripts/test.sh installs nginx-light"
    folder = tmp_path_factory.mktemp("nginx_sign_in")
    https, http, staff_port = free_port(), free_port(), free_port()
    app_url = f"https://{STAFF_NAME}:{https}"
    roles = folder / "roles.csv"
    roles.write_text(f"email,role,force_code\n{NATIONAL},national,\n")
    with oidc_provider(folder) as provider:
        secrets = write_secrets(folder, provider, staff_port, app_url)
        site = _site(folder, staff_port, https, http)
        log = folder / "streamlit.log"
        env = {"OVERSIGHT_ROLES": str(roles)}
        with (
            serve(demo_db, log, secrets=secrets, port=staff_port, **env),
            nginx_serving(folder, site, https),
        ):
            yield SignInServer(app_url, provider), folder / "access.log"


def test_a_user_signs_in_and_out_through_the_proxy(proxied_with_sign_in):
    """The provider sends the browser back through nginx to /oauth2callback; the identity
    cookie it sets there is Secure (nginx adds the flag) and reaches Streamlit on the
    websocket, so the national user gets the staff pages; signing out ends it."""
    (app_url, _), access_log = proxied_with_sign_in
    started = time.monotonic()
    with (
        chromium(extra_args=[RESOLVE_STAFF_NAME]) as browser,
        browser_context(browser, allowed_hosts=[STAFF_NAME], ignore_https_errors=True) as context,
    ):
        page = context.new_page()
        sign_in(page, app_url, NATIONAL)
        page.get_by_test_id("stSidebar").get_by_text(
            f"Signed in as {NATIONAL} (national oversight)", exact=True
        ).wait_for()
        navigation = page.get_by_test_id("stSidebarNav")
        navigation.get_by_role("link", name="Publish", exact=True).wait_for()

        cookies = {cookie["name"]: cookie for cookie in context.cookies(app_url)}
        identity = cookies[USER_COOKIE]
        assert identity["domain"] == STAFF_NAME
        assert identity["httpOnly"]
        assert identity["sameSite"] == "Lax"
        # Streamlit sets none of them Secure; nginx's proxy_cookie_flags does
        insecure = [name for name, cookie in cookies.items() if not cookie["secure"]]
        assert not insecure, insecure
        callbacks = [line for line in access_log.read_text().splitlines()
                     if '"GET /oauth2callback?' in line]  # fmt: skip
        assert callbacks, "the provider's redirect did not come through nginx"

        sign_out(page)
        page.get_by_role("button", name="Sign in", exact=True).wait_for()
        assert navigation.get_by_role("link", name="Publish", exact=True).count() == 0
    print(f"sign in and out through nginx: {time.monotonic() - started:.1f} s")
