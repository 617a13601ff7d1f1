"""Who a session is (oversight/access.decide): every way a server can be set up, on real roles
files. The dashboard passes Streamlit's values to this function on every rerun."""

import pytest

from oversight import access
from oversight.roles import Access, parse_roles
from oversight.settings import SettingError

AUTH = {
    "redirect_uri": "https://oversight.example/oauth2callback",
    "cookie_secret": "a long random secret of more than 32 characters",
    "client_id": "oversight",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example/.well-known/openid-configuration",
}
ROLES = parse_roles(
    "email,role,force_code\n"
    "pcc@kent.example,force,kent\n"
    "psd@joint.example,force,kent\n"
    "psd@joint.example,force,essex\n"
    "analyst@npcc.example,national,\n"
    "admin@npcc.example,admin,\n"
)


def never_asked() -> bool:
    raise AssertionError("the database was read although sign-in decides")


def decide(audience="internal", auth="", section=AUTH, claims=None, address=None,
           synthetic=never_asked, roles=lambda: ROLES, proxied=False):  # fmt: skip
    return access.decide(audience, auth, section, claims or {}, address, synthetic, roles,
                         proxied)  # fmt: skip


def signed_in(email, **claims):
    return {"is_logged_in": True, "email": email, **claims}


def test_a_public_server_has_no_sign_in_and_serves_everyone_the_public_view():
    for claims in ({}, signed_in("admin@npcc.example")):
        session = decide("public", claims=claims)
        assert session.is_public and session.how == access.PUBLIC_SERVER
        assert not session.sign_in_configured


def test_a_visitor_who_has_not_signed_in_sees_the_public_view():
    session = decide(claims={"is_logged_in": False})
    assert session.is_public and session.how == access.SIGNED_OUT and session.user is None


@pytest.mark.parametrize(
    "email, role, forces",
    [
        ("pcc@kent.example", "force", ("kent",)),
        ("PCC@Kent.Example", "force", ("kent",)),
        ("psd@joint.example", "force", ("essex", "kent")),
        ("analyst@npcc.example", "national", ()),
        ("admin@npcc.example", "admin", ()),
    ],
)
def test_a_signed_in_user_has_the_role_of_their_row(email, role, forces):
    session = decide(claims=signed_in(email))
    assert session.access == Access(role, forces)
    assert session.user == email and session.notice == ""


def test_an_unknown_user_is_signed_in_but_sees_the_public_view_and_whom_to_ask(monkeypatch):
    monkeypatch.setenv(access.CONTACT_SETTING, "oversight@npcc.example")
    session = decide(claims=signed_in("stranger@example.org"))
    assert session.is_public and session.how == access.SIGNED_IN
    assert "stranger@example.org" in session.notice
    assert "oversight@npcc.example" in session.notice


def test_a_roles_file_that_cannot_be_read_gives_nobody_a_staff_role(tmp_path, monkeypatch):
    monkeypatch.setenv(access.ROLES_SETTING, str(tmp_path / "missing.csv"))
    session = decide(claims=signed_in("admin@npcc.example"), roles=access.roles_table)
    assert session.is_public and "cannot be checked" in session.notice
    monkeypatch.delenv(access.ROLES_SETTING)
    assert decide(claims=signed_in("admin@npcc.example"), roles=access.roles_table).is_public


def test_the_roles_file_is_read_again_when_it_changes(tmp_path, monkeypatch):
    roles = tmp_path / "roles.csv"
    roles.write_text("email,role,force_code\nadmin@npcc.example,admin,\n")
    monkeypatch.setenv(access.ROLES_SETTING, str(roles))
    claims = signed_in("admin@npcc.example")
    assert decide(claims=claims, roles=access.roles_table).role == "admin"
    roles.write_text("email,role,force_code\nother@npcc.example,admin,\n")
    assert decide(claims=claims, roles=access.roles_table).is_public


def test_groups_and_oid_claims_are_used_where_the_file_has_them():
    roles = parse_roles(
        "email,role,force_code,oid,group\n,national,,0000-1111,\n,force,kent,,kent-psd\n"
    )
    by_oid = decide(claims=signed_in("new.address@npcc.example", oid="0000-1111"),
                    roles=lambda: roles)  # fmt: skip
    assert by_oid.role == "national"
    by_group = decide(claims=signed_in("x@kent.example", groups=["staff", "kent-psd"]),
                      roles=lambda: roles)  # fmt: skip
    assert by_group.access == Access("force", ("kent",))


def test_half_configured_sign_in_refuses_rather_than_serving_without_it():
    section = {key: value for key, value in AUTH.items() if key != "cookie_secret"}
    with pytest.raises(access.AccessRefused, match="cookie_secret"):
        decide(section=section, claims=signed_in("admin@npcc.example"))


def test_without_sign_in_only_the_synthetic_demo_is_served_with_the_national_view():
    session = decide(section=None, synthetic=lambda: True)
    assert session.access == Access("national") and session.how == access.DEMO
    with pytest.raises(access.AccessRefused, match="real data"):
        decide(section=None, synthetic=lambda: False)


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_no_sign_in_serves_real_data_on_this_computer_only(address):
    session = decide(auth="none", section=None, address=address)
    assert session.access == Access("national") and session.how == access.NO_SIGN_IN


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "10.1.2.3", "oversight.example"])
def test_no_sign_in_refuses_to_listen_on_the_network(address):
    with pytest.raises(access.AccessRefused, match="127.0.0.1"):
        decide(auth="none", section=None, address=address)
    # sign-in configured as well does not open the way either: none means none
    with pytest.raises(access.AccessRefused):
        decide(auth="none", address=address, claims=signed_in("admin@npcc.example"))


def test_no_sign_in_refuses_a_request_through_a_reverse_proxy():
    with pytest.raises(access.AccessRefused, match="reverse proxy"):
        decide(auth="none", section=None, address="127.0.0.1", proxied=True)


def test_oversight_auth_takes_none_or_nothing(monkeypatch):
    monkeypatch.setenv(access.AUTH_SETTING, "off")
    with pytest.raises(SettingError, match="OVERSIGHT_AUTH"):
        access.auth_setting()
    monkeypatch.setenv(access.AUTH_SETTING, " None ")
    assert access.auth_setting() == "none"
