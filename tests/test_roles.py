"""The roles file: who gets which role, joint units with several forces, Entra object ids and
group claims, and every mistake in the file named with its line."""

import pytest

from oversight.roles import PUBLIC_ACCESS, Access, RolesError, parse_roles, read_roles

ROLES_CSV = """email,role,force_code,oid,group
pcc.office@kent.example,force,kent,,
psu@joint.example,force,kent,,
psu@joint.example,force,essex,,
Analyst@NPCC.example,national,,,
,admin,,1b2c-oid,
,national,,,npcc-analysts
,force,surrey,,surrey-psu
"""


@pytest.fixture
def table():
    return parse_roles(ROLES_CSV)


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        ({"email": "pcc.office@kent.example"}, Access("force", ("kent",))),
        # a joint professional standards unit: one role, both forces
        ({"email": "psu@joint.example"}, Access("force", ("essex", "kent"))),
        # addresses match without regard to case or spaces
        ({"email": "  analyst@npcc.EXAMPLE "}, Access("national")),
        # the object id wins over the address, which may have been reused
        ({"email": "pcc.office@kent.example", "oid": "1b2c-oid"}, Access("admin")),
        ({"email": "someone@else.example", "groups": ("npcc-analysts",)}, Access("national")),
        ({"email": "someone@else.example", "groups": ("surrey-psu", "other")},
         Access("force", ("surrey",))),
        # unknown users are signed in but see the public view
        ({"email": "stranger@example.com"}, PUBLIC_ACCESS),
        # groups that disagree on the role give nothing rather than a guess
        ({"email": "x@example.com", "groups": ("npcc-analysts", "surrey-psu")}, PUBLIC_ACCESS),
        ({}, PUBLIC_ACCESS),
    ],
)  # fmt: skip
def test_access_of_an_identity(table, identity, expected):
    assert table.access_for(**identity) == expected


def test_a_users_own_row_comes_before_their_groups(table):
    access = table.access_for(email="pcc.office@kent.example", groups=("npcc-analysts",))
    assert access == Access("force", ("kent",))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("email,role\na@x,national\n", "line 1: expected the columns"),
        ("email,role,force_code,team\na@x,national,,\n", "unknown ['team']"),
        ("email,role,force_code\na@x,viewer,\n", "line 2, column role: found 'viewer'"),
        ("email,role,force_code\na@x,force,kentt\n", "line 2, column force_code: found 'kentt'"),
        ("email,role,force_code\na@x,force,\n", "line 2, column force_code: found ''"),
        ("email,role,force_code\na@x,national,kent\n", "expected it empty for the national role"),
        ("email,role,force_code\n,national,\n", "line 2: expected one of email, oid or group"),
        ("email,role,force_code\na@x,force,kent\nA@X,admin,\n",
         "lines 2, 3: a@x has more than one role (admin, force)"),
    ],
)  # fmt: skip
def test_mistakes_are_named_with_their_line(text, says):
    with pytest.raises(RolesError) as refused:
        parse_roles(text)
    assert says in str(refused.value)


def test_every_mistake_is_listed_at_once():
    with pytest.raises(RolesError) as refused:
        parse_roles("email,role,force_code\na@x,viewer,\nb@x,force,nowhere\nc@x,national,\n")
    assert "line 2" in str(refused.value) and "line 3" in str(refused.value)


def test_a_missing_file_is_a_plain_error(tmp_path):
    with pytest.raises(RolesError, match="cannot be read"):
        read_roles(tmp_path / "roles.csv")


def test_a_file_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "roles.csv"
    path.write_bytes(b"\xef\xbb\xbfemail,role,force_code\npcc@kent.example,force,kent\n")
    assert read_roles(path).access_for(email="pcc@kent.example") == Access("force", ("kent",))
