"""The sign-in test helpers (tests/system/signin.py) on a probe app of a few lines, not the
dashboard: a real oidc-provider-mock, a real `streamlit run` with an `[auth]` section, chromium
signing in through the provider's form, and a second browser that never signs in."""

import time
from urllib.parse import urlsplit

import pytest

from tests.system.signin import (
    SignInError,
    browser_context,
    chromium,
    serve_with_sign_in,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser

PROBE_APP = """\
import streamlit as st

if st.user.is_logged_in:
    st.write(f"signed in as {st.user.email}; groups={st.user.get('groups')}")
    st.write(f"oid={st.user.get('oid')}")
    if st.button("Sign out"):
        st.logout()
else:
    st.write("signed out")
    if st.button("Sign in"):
        st.login()
"""

KENT = "kent.pcc@example.org"
KENT_GROUPS = ["pcc-kent", "oversight-readers"]


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """The probe app served with sign-in through a fresh provider: (app_url, provider)."""
    folder = tmp_path_factory.mktemp("signin_probe")
    app = folder / "probe.py"
    app.write_text(PROBE_APP)
    # the probe reads no database; OVERSIGHT_DB only has to name a file
    with serve_with_sign_in(folder / "unused.duckdb", folder, app=app) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def test_a_user_signs_in_with_claims_and_out_again(probe, browser):
    app_url, provider = probe
    assert app_url.startswith("http://localhost:")
    provider.set_claims(KENT, {"groups": KENT_GROUPS, "oid": "oid-kent"})
    started = time.monotonic()
    with browser_context(browser) as signed_in, browser_context(browser) as anonymous:
        page = signed_in.new_page()
        sign_in(page, app_url, KENT)
        main = page.get_by_test_id("stMain")
        main.get_by_text(f"signed in as {KENT}; groups={KENT_GROUPS}").wait_for()
        # a custom ID token claim reaches st.user as it is
        main.get_by_text("oid=oid-kent").wait_for()

        # another browser, meanwhile, is nobody
        other = anonymous.new_page()
        other.goto(app_url)
        other.get_by_role("button", name="Sign in", exact=True).wait_for()
        assert other.get_by_text("signed in as").count() == 0

        sign_out(page)
        page.get_by_test_id("stMain").get_by_text("signed out", exact=True).wait_for()
        assert page.get_by_text("signed in as").count() == 0
    print(f"sign in, check, second browser, sign out: {time.monotonic() - started:.1f} s")


def test_opening_the_app_on_127_0_0_1_leaves_the_user_signed_out(probe, browser):
    """Streamlit keeps the sign-in state in a cookie of the host the browser used, then
    returns on the redirect_uri's host (localhost): the user comes back signed out, silently.
    sign_in says so rather than waiting for a sign-out button that never comes."""
    app_url, _ = probe
    on_ip = app_url.replace("http://localhost:", "http://127.0.0.1:")
    with browser_context(browser) as context:
        page = context.new_page()
        with pytest.raises(SignInError, match="host of its redirect_uri"):
            sign_in(page, on_ip, KENT)
        page.get_by_role("button", name="Sign in", exact=True).wait_for()


def test_the_browser_reaches_nothing_but_loopback(probe, browser):
    """The provider's pages ask for a stylesheet on a public CDN: the request is refused in
    the browser, so no test depends on (or waits for) the network."""
    app_url, _ = probe
    with browser_context(browser) as context:
        page = context.new_page()
        blocked: list[str] = []
        answered: set[str] = set()
        page.on(
            "requestfailed",
            lambda request: (
                "ERR_BLOCKED_BY_CLIENT" in (request.failure or "") and blocked.append(request.url)
            ),
        )
        page.on("requestfinished", lambda request: answered.add(urlsplit(request.url).hostname))
        sign_in(page, app_url, "nobody@example.org")
        assert any(url.endswith("/pico.min.css") for url in blocked), blocked
        assert all(urlsplit(url).hostname == "cdn.jsdelivr.net" for url in blocked), blocked
        assert answered <= {"localhost", "127.0.0.1"}, answered
