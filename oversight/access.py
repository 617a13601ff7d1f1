"""Who is using this session, and what their role lets them see (docs/deploy.md, "Sign-in and
roles").

Decided afresh on every rerun by app.py, before any page runs: a removed user loses access at
once, although Streamlit's sign-in cookie lasts 30 days. Pages never decide for themselves; they
ask current_session(), and dashboard.query() narrows every query of a force user to its forces.

- A public server (OVERSIGHT_AUDIENCE=public) has no sign-in: everyone gets the public view.
- With sign-in configured (an [auth] section in secrets.toml): a visitor who has not signed in,
  and a signed-in user with no row in the roles file (OVERSIGHT_ROLES), gets the public view.
- Without it, only the synthetic demo is served, to anyone, with the national view. Real data
  needs OVERSIGHT_AUTH=none and a server listening on this computer only (server.address
  127.0.0.1 or localhost): there is no way to serve real data to the network without sign-in.
"""

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from oversight import audit
from oversight.roles import PUBLIC, PUBLIC_ACCESS, Access, RolesError, RolesTable, read_roles
from oversight.settings import SettingError, audience, resolve_db_path

AUTH_SETTING = "OVERSIGHT_AUTH"
ROLES_SETTING = "OVERSIGHT_ROLES"
CONTACT_SETTING = "OVERSIGHT_ACCESS_CONTACT"
DEFAULT_CONTACT = "your Oversight administrator"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# What Streamlit's st.login needs in [auth]: without any of them sign-in cannot work, and a
# half-configured server must not fall back to serving without it
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
# Who a session is when there is no sign-in (the audit log's user)
LOCAL_USER = "local"
_SESSION = "_oversight_session"
# Headers a reverse proxy adds: a no-sign-in server must not be reached through one, although
# it listens on loopback (deploy/nginx/proxy.conf sets the first two)
PROXY_HEADERS = ("X-Forwarded-For", "X-Forwarded-Proto", "Forwarded", "X-Real-Ip",
                 "X-Forwarded-Host")  # fmt: skip

# How the session's role was decided
PUBLIC_SERVER = "public server"
SIGNED_OUT = "signed out"
SIGNED_IN = "signed in"
NO_SIGN_IN = "no sign-in"  # OVERSIGHT_AUTH=none, on this computer only
DEMO = "demo"  # the synthetic demo, without sign-in


class AccessRefused(Exception):
    """This server must not serve this session at all; the message says why, for staff."""


@dataclass(frozen=True)
class Session:
    """One browser session's user and access, for this rerun."""

    access: Access
    how: str  # PUBLIC_SERVER, SIGNED_OUT, SIGNED_IN, NO_SIGN_IN or DEMO
    user: str | None = None  # the signed-in email (LOCAL_USER without sign-in)
    notice: str = ""  # what the user is told about their access, if anything

    @property
    def role(self) -> str:
        return self.access.role

    @property
    def forces(self) -> tuple[str, ...]:
        """A force user's forces (empty for every other role)."""
        return self.access.forces

    @property
    def is_public(self) -> bool:
        return self.access.role == PUBLIC

    @property
    def sign_in_configured(self) -> bool:
        return self.how in (SIGNED_OUT, SIGNED_IN)


def auth_setting() -> str:
    """OVERSIGHT_AUTH: "" (sign-in if configured, else the demo only) or "none"."""
    value = os.environ.get(AUTH_SETTING, "").strip().lower()
    if value not in ("", "none"):
        raise SettingError(f"{AUTH_SETTING} must be empty or none, not {value!r}")
    return value


def auth_section() -> dict | None:
    """secrets.toml's [auth] section, None where there is none."""
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        section = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - a secrets file Streamlit cannot parse
        raise AccessRefused(
            "secrets.toml cannot be read: correct it and restart the dashboard"
        ) from None
    return dict(section) if section is not None else None


@functools.lru_cache(maxsize=4)
def _roles_at(path: str, stamp: tuple[int, int]) -> RolesTable:
    # stamp (mtime, size) keys the cache: the file is checked on every rerun, parsed when changed
    return read_roles(Path(path))


def roles_table() -> RolesTable:
    """The roles file named by OVERSIGHT_ROLES, as it is now on disk."""
    path = os.environ.get(ROLES_SETTING, "").strip()
    if not path:
        raise RolesError(f"{ROLES_SETTING} is not set: no one has a staff role")
    try:
        stat = Path(path).stat()
    except OSError as error:
        raise RolesError(f"the roles file {path} cannot be read: {error.strerror}") from error
    return _roles_at(path, (stat.st_mtime_ns, stat.st_size))


def _claims_groups(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return ()


def signed_in_session(claims: dict, roles: Callable[[], RolesTable]) -> Session:
    """The session of a signed-in user with these ID-token claims."""
    # the email claim only, and only where the provider has not said it is unverified: a
    # preferred_username is a display name that some providers let the user choose
    email = str(claims.get("email") or "") or None
    if claims.get("email_verified") is False:
        email = None
    user = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub")
               or "unknown")  # fmt: skip
    contact = os.environ.get(CONTACT_SETTING, "").strip() or DEFAULT_CONTACT
    try:
        access = roles().access_for(
            email=email, oid=claims.get("oid"), groups=_claims_groups(claims.get("groups"))
        )
    except RolesError:
        return Session(
            PUBLIC_ACCESS, SIGNED_IN, user,
            f"You are signed in as {user}, but staff access cannot be checked at the moment, "
            f"so you see the published figures only. Please tell {contact}.",
        )  # fmt: skip
    notice = (
        f"You are signed in as {user}, but you have no staff access, so you see the published "
        f"figures only. To be given access, ask {contact}."
        if access.role == PUBLIC
        else ""
    )
    return Session(access, SIGNED_IN, user, notice)


def decide(
    server_audience: str,
    auth: str,
    section: dict | None,
    claims: dict,
    address: str | None,
    synthetic: Callable[[], bool],
    roles: Callable[[], RolesTable] = roles_table,
    proxied: bool = False,
) -> Session:
    """The session's access from the server's settings and the user's claims (pure: the
    dashboard passes Streamlit's values). AccessRefused where nothing may be served."""
    if server_audience == "public":
        return Session(PUBLIC_ACCESS, PUBLIC_SERVER)
    if auth != "none" and section is not None:
        missing = [key for key in AUTH_KEYS if not section.get(key)]
        if missing:
            raise AccessRefused(
                f"sign-in is configured in secrets.toml, but [auth] lacks {', '.join(missing)}"
            )
        if not claims.get("is_logged_in"):
            return Session(PUBLIC_ACCESS, SIGNED_OUT)
        return signed_in_session(claims, roles)
    national = Access("national")
    if auth == "none":
        if (address or "").strip().lower() not in LOOPBACK:
            raise AccessRefused(
                f"{AUTH_SETTING}=none serves the dashboard without sign-in, so it is allowed "
                "only on this computer: start it with --server.address=127.0.0.1 (it listens "
                f"on {address or 'every network interface'} now), or configure sign-in"
            )
        if proxied:
            raise AccessRefused(
                f"{AUTH_SETTING}=none serves the dashboard without sign-in, so it must not be "
                "reached through a reverse proxy (this request came through one): configure "
                "sign-in"
            )
        return Session(national, NO_SIGN_IN, LOCAL_USER)
    if synthetic():
        return Session(national, DEMO)  # no one to record: the demo is open to anyone
    raise AccessRefused(
        "this database holds real data and sign-in is not configured. Configure sign-in "
        "([auth] in .streamlit/secrets.toml, and a roles file), or, on your own computer only, "
        f"set {AUTH_SETTING}=none and start the dashboard with --server.address=127.0.0.1"
    )


def resolve_session(synthetic: Callable[[], bool]) -> Session:
    """Decide this rerun's session (app.py, first thing) and keep it for the pages."""
    st.session_state.pop(_SESSION, None)
    session = decide(
        audience(),
        auth_setting(),
        auth_section(),
        st.user.to_dict(),
        st.get_option("server.address"),
        synthetic,
        proxied=any(st.context.headers.get(name) for name in PROXY_HEADERS),
    )
    st.session_state[_SESSION] = session
    return session


def current_session() -> Session:
    """This rerun's session, as app.py decided it. A page run any other way (never routed
    to it) is treated as the public."""
    session = st.session_state.get(_SESSION)
    return session if isinstance(session, Session) else Session(PUBLIC_ACCESS, SIGNED_OUT)


def require_role(*roles: str) -> Session:
    """Stop the page unless the session's role is one of roles (pages not registered for a
    role are not reachable; this is the second lock)."""
    session = current_session()
    if session.role not in roles:
        if session.user:
            audit.record(resolve_db_path(), session.user, session.role, audit.DENIED,
                         detail={"needs": list(roles)})  # fmt: skip
        st.error("This page is not available.")
        st.stop()
    return session


ROLE_NAMES = {
    "force": "force",
    "national": "national oversight",
    "admin": "administrator",
    PUBLIC: "published figures only",
}


def account_box(session: Session, on_sign_out: Callable[[], None] = st.logout) -> None:
    """Who is signed in, with Sign in or Sign out, in the sidebar; and on the page, the
    no-sign-in banner or what the user is told about their access."""
    if session.how == NO_SIGN_IN:
        st.warning(
            "**No sign-in.** This dashboard is running without sign-in "
            f"({AUTH_SETTING}=none), for use on this computer only.",
            icon=":material/no_encryption:",
        )
    if session.notice:
        st.info(session.notice, icon=":material/lock:")
    if not session.sign_in_configured:
        return
    if session.how == SIGNED_IN:
        with st.sidebar:
            # as code: markdown would make the address a link, too faint for a caption
            st.caption(f"Signed in as `{session.user}` ({ROLE_NAMES[session.role]})")
            st.button("Sign out", key="sign_out", on_click=on_sign_out)
        return
    # on the page, not in the sidebar, which a phone's screen keeps folded away
    text, button = st.columns([4, 1], vertical_alignment="center")
    text.caption("Police and oversight staff: sign in to see your figures.")
    button.button("Sign in", key="sign_in", type="primary", on_click=st.login, width="stretch")
