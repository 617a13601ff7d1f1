"""The reference deployment's reverse proxy: Debian's nginx, started from the shipped
deploy/nginx files (only its ports, certificate and snippet paths moved to this test's own), in
front of a real staff server, and a real browser using the dashboard through it over TLS."""

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
from tests.system.test_browser import CHROMIUM, CHROMIUM_ARGS, _drawn

pytestmark = pytest.mark.browser

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = PROJECT_ROOT / "deploy" / "nginx"
STAFF_NAME = "oversight-staff.example"


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={STAFF_NAME}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _site(folder: Path, staff_port: int, https: int, http: int) -> Path:
    """The shipped site file with this test's ports and paths (nothing else changed)."""
    cert, key = _certificate(folder)
    snippet = folder / "oversight-proxy.conf"
    shutil.copy(DEPLOY / "proxy.conf", snippet)
    text = (DEPLOY / "oversight.conf").read_text()
    for shipped, here in [
        ("server 127.0.0.1:8501;", f"server 127.0.0.1:{staff_port};"),
        ("server 127.0.0.1:8502;", f"server 127.0.0.1:{staff_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("/etc/ssl/oversight/fullchain.pem", str(cert)),
        ("/etc/ssl/oversight/privkey.pem", str(key)),
        ("/etc/nginx/snippets/oversight-proxy.conf", str(snippet)),
    ]:
        assert shipped in text, shipped
        text = text.replace(shipped, here)
    site = folder / "oversight.conf"
    site.write_text(text)
    return site


@contextlib.contextmanager
def _nginx(folder: Path, site: Path, https: int):
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
        with _nginx(folder, site, https):
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
    args = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {STAFF_NAME} 127.0.0.1"]
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
