"""Who may see what: the roles file (OVERSIGHT_ROLES), read and checked, and the access it gives
a signed-in identity.

A CSV file with the header `email,role,force_code`, and optionally `oid` (Microsoft Entra ID's
object id, which does not change when a person's address does) and `group` (a value of the
identity provider's groups claim). Each row names one identity (an email, an oid or a group) and
gives it one role: `force` (bound to its force_code), `national` or `admin`. Several `force`
rows for one identity give a joint professional standards unit its forces. An identity with no
row sees the public view only.

Pure logic, no Streamlit: the dashboard reads the file on every rerun (a removed user loses
access at once), and the tests check it on files of their own.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from oversight.settings import FORCES_CSV

ROLES = ("force", "national", "admin")
PUBLIC = "public"
REQUIRED_COLUMNS = ("email", "role", "force_code")
OPTIONAL_COLUMNS = ("oid", "group")
IDENTITY_COLUMNS = ("email", "oid", "group")


@dataclass(frozen=True)
class Access:
    """What one identity may see: its role, and for the force role its forces."""

    role: str
    forces: tuple[str, ...] = ()


PUBLIC_ACCESS = Access(PUBLIC)


class RolesError(ValueError):
    """The roles file cannot be used; the message lists every problem (line, column, value)."""


@dataclass(frozen=True)
class RolesTable:
    """The roles file, checked: each identity (kind, lower-cased value) with its access."""

    by_identity: dict[tuple[str, str], Access]

    def access_for(self, email: str | None = None, oid: str | None = None,
                   groups: tuple[str, ...] = ()) -> Access:  # fmt: skip
        """The access of a signed-in identity: its oid's row, else its email's, else its
        groups' (where they agree on one role), else the public view."""
        for kind, value in (("oid", oid), ("email", email)):
            if value and (kind, _key(value)) in self.by_identity:
                return self.by_identity[kind, _key(value)]
        found = [
            self.by_identity[g]
            for g in (("group", _key(x)) for x in groups)
            if g in self.by_identity
        ]
        if not found or len({a.role for a in found}) > 1:
            return PUBLIC_ACCESS  # no group row, or groups that disagree: nothing is assumed
        forces = sorted({f for access in found for f in access.forces})
        return Access(found[0].role, tuple(forces))


def _key(value: str) -> str:
    return value.strip().lower()


def _force_codes() -> set[str]:
    with open(FORCES_CSV, encoding="utf-8") as handle:
        return {row["force_code"] for row in csv.DictReader(handle)}


def _row_problem(role: str, force: str, forces: set[str]) -> str | None:
    """What is wrong with a row's role and force_code (None if nothing)."""
    if role not in ROLES:
        return f"column role: found {role!r}; expected one of {', '.join(ROLES)}"
    if role == "force" and force not in forces:
        return f"column force_code: found {force!r}; expected a force_code of data/forces.csv"
    if role != "force" and force:
        return f"column force_code: found {force!r}; expected it empty for the {role} role"
    return None


def read_roles(path: Path) -> RolesTable:
    """The roles file at path, checked; RolesError lists every problem found."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RolesError(f"the roles file {path} cannot be read: {error}") from error
    return parse_roles(text, Path(path).name)


def parse_roles(text: str, name: str = "roles.csv") -> RolesTable:
    """The roles file's text, checked (see read_roles)."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        raise RolesError(
            f"{name}, line 1: expected the columns {', '.join(REQUIRED_COLUMNS)} (and optionally "
            f"{', '.join(OPTIONAL_COLUMNS)}); missing {missing or 'none'}, "
            f"unknown {unknown or 'none'}"
        )
    forces = _force_codes()
    problems: list[str] = []
    rows: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for line, row in enumerate(reader, start=2):
        values = {c: (row.get(c) or "").strip() for c in header}
        identities = [(c, _key(values[c])) for c in IDENTITY_COLUMNS if values.get(c)]
        role, force = values["role"], values["force_code"]
        where = f"{name}, line {line}"
        if len(identities) != 1:
            problems.append(
                f"{where}: expected one of email, oid or group, found {len(identities)}"
            )
            continue
        problem = _row_problem(role, force, forces)
        if problem:
            problems.append(f"{where}, {problem}")
            continue
        rows.setdefault(identities[0], []).append((line, role, force))
    by_identity = {}
    for identity, given in rows.items():
        roles = {role for _, role, _ in given}
        if len(roles) > 1:
            lines = ", ".join(str(line) for line, _, _ in given)
            problems.append(
                f"{name}, lines {lines}: {identity[1]} has more than one role "
                f"({', '.join(sorted(roles))}); a user has one role"
            )
            continue
        role = roles.pop()
        by_identity[identity] = Access(role, tuple(sorted({f for _, _, f in given if f})))
    if problems:
        raise RolesError("the roles file cannot be used: " + "; ".join(problems))
    return RolesTable(by_identity)
