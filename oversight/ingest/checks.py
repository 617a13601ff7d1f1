"""Checking staged values against the data contract, in SQL, and typing them.

Each contract column has a kind (an id, a date-time, a code of an enum, ...). From the kinds this
module writes two things per table, using only identifiers and literals from oversight.contract
(never a value from a file): typed_<table>, the staged rows with typed values, and the problems
of single rows (a bad code, a bad date, a repeated id, ...), appended to temp table problems.
"""

import dataclasses
from dataclasses import dataclass

import duckdb

from oversight.contract import (
    ASSESSMENTS,
    CATEGORIES,
    CHANNELS,
    COLUMNS,
    DUTY_STATUSES,
    FALSE_SPELLINGS,
    MAX_ID_LENGTH,
    OPTIONAL_COLUMNS,
    OUTCOMES,
    SETTINGS,
    SUBJECT_ETHNICITIES,
    SUBJECT_ROLES,
    SUBJECT_SEXES,
    TRIMMED_CHARACTERS,
    TRUE_SPELLINGS,
)

CONTROL_CHARACTER = "[\\x00-\\x1f\\x7f]"  # a regular expression (RE2) for one
CONTROL_CHARACTER_NAMES = {  # by code point: SQL text cannot hold a NUL byte itself
    0: "a NUL byte",
    13: "a carriage return (CR)",
    10: "a line feed (LF)",
    9: "a tab",
}
DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"
DATE_TIME_PATTERN = r"\d{4}-\d{2}-\d{2}([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?"


@dataclass(frozen=True)
class Column:
    """How one contract column is checked and typed."""

    name: str
    kind: str  # id, reference, datetime, date, enum, boolean, categories
    enum_type: str | None = None
    codes: tuple[str, ...] = ()
    default: str | None = None
    expected: str | None = None
    optional: bool = False  # set from contract.OPTIONAL_COLUMNS below, never by hand

    @property
    def required(self) -> bool:
        return not self.optional


def _enum(name, enum_type, codes, default=None, expected=None) -> Column:
    return Column(name, "enum", enum_type, codes, default, expected)


def _optional_as_the_contract_says(
    specs: dict[str, tuple[Column, ...]],
) -> dict[str, tuple[Column, ...]]:
    """Which columns may be absent or empty is oversight.contract's to say, and only there."""
    return {
        table: tuple(
            dataclasses.replace(c, optional=c.name in OPTIONAL_COLUMNS[table]) for c in columns
        )
        for table, columns in specs.items()
    }


SPECS: dict[str, tuple[Column, ...]] = {
    "reports": (
        Column("report_id", "id"),
        Column("received_at", "datetime"),
        _enum("channel", "channel", CHANNELS),
        Column("categories", "categories", "category", CATEGORIES),
        _enum(
            "subject_force",
            "subject_force_code",
            (),
            None,
            "a force_code from the forces reference (data/forces.csv), or unknown",
        ),
        _enum("subject_role", "subject_role", SUBJECT_ROLES),
        Column("anonymous", "boolean"),
        _enum("duty_status", "duty_status", DUTY_STATUSES, "unknown"),
        _enum("setting", "setting", SETTINGS, "unknown"),
        _enum("subject_sex", "subject_sex", SUBJECT_SEXES, "not_stated"),
        _enum("subject_ethnicity", "subject_ethnicity", SUBJECT_ETHNICITIES, "not_stated"),
    ),
    "referrals": (
        Column("referral_id", "id"),
        Column("report_id", "reference"),
        _enum(
            "force",
            "force_code",
            (),
            None,
            "a force_code from the forces reference (data/forces.csv)",
        ),
        Column("referred_at", "datetime"),
        _enum("assessment", "assessment", ASSESSMENTS),
        Column("assessed_at", "date"),
    ),
    "outcomes": (
        Column("outcome_id", "id"),
        Column("referral_id", "reference"),
        _enum("outcome", "outcome", OUTCOMES),
        Column("decided_at", "date"),
    ),
}
SPECS = _optional_as_the_contract_says(SPECS)
assert all(tuple(c.name for c in SPECS[t]) == COLUMNS[t] for t in COLUMNS)
# an empty value takes a default only where the contract lets the column be empty
assert all(c.optional for columns in SPECS.values() for c in columns if c.default is not None)


def trim_sql(expression: str) -> str:
    """SQL for a text value with contract.TRIMMED_CHARACTERS (spaces, tabs) trimmed from its ends.

    trim with a set of characters is twice as slow as without; the guard leaves the many values
    with nothing to trim as they are, at a fraction of the cost.
    """
    ends = " or ".join(
        f"{end}({expression}, {_quote(character)})"
        for character in TRIMMED_CHARACTERS
        for end in ("prefix", "suffix")
    )
    return (
        f"case when {ends} then trim({expression}, {_quote(TRIMMED_CHARACTERS)}) "
        f"else {expression} end"
    )


def trimmed(expression: str) -> str:
    """SQL for a text value trimmed of contract.TRIMMED_CHARACTERS, with empty as NULL."""
    return f"nullif({trim_sql(expression)}, '')"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _typed_expression(column: Column) -> str:
    name = f'"{column.name}"'
    if column.kind in ("id", "reference"):
        return name
    if column.kind in ("datetime", "date"):
        # a date column takes a date only: a time there would be silently dropped
        pattern = DATE_PATTERN if column.kind == "date" else DATE_TIME_PATTERN
        # the pattern admits only the contract's forms; the cast then refuses impossible dates
        # and times (2024-02-30, 25:00), as strptime would, many times faster
        target = "timestamp" if column.kind == "datetime" else "date"
        return (
            f"case when regexp_full_match({name}, {_quote(pattern)}) then "
            f"try_cast({name} as {target}) end"
        )
    if column.kind == "enum":
        default = "null" if column.default is None else _quote(column.default)
        return (
            f"case when {name} is null then {default}::{column.enum_type} "
            f"else try_cast({name} as {column.enum_type}) end"
        )
    if column.kind == "boolean":
        return (
            f"case when lower({name}) in {tuple(TRUE_SPELLINGS)} then true "
            f"when lower({name}) in {tuple(FALSE_SPELLINGS)} then false end"
        )
    if column.kind == "categories":
        return (
            f"list_transform(string_split({name}, ';'), "
            f"lambda x: try_cast({trim_sql('x')} as {column.enum_type}))"
        )
    raise ValueError(column.kind)


def _expected_codes(column: Column) -> str:
    return column.expected or "one of: " + ", ".join(column.codes)


def _row_checks(column: Column) -> list[tuple[str, str, str]]:
    """(condition, value, expected) as SQL expressions, one per rule a single value can break."""
    raw = f'"{column.name}"'
    typed = f"t_{column.name}"
    checks = []
    if column.required:
        checks.append((f"{raw} is null", "null", _quote("a value (this column must be filled)")))
    if column.kind in ("id", "reference"):
        checks.append(
            (
                f"length({raw}) > {MAX_ID_LENGTH}",
                raw,
                _quote(f"an id of at most {MAX_ID_LENGTH} characters"),
            )
        )
        # codes, dates and booleans refuse a control character by their form; an id would not
        checks.append(
            (
                f"regexp_matches({raw}, {_quote(CONTROL_CHARACTER)})",
                raw,
                f"'an id without line breaks, tabs or other control characters (found ' || "
                f"{_control_character_name(raw)} || ' at character ' || "
                f"strpos({raw}, regexp_extract({raw}, {_quote(CONTROL_CHARACTER)})) || ')'",
            )
        )
    if column.kind in ("datetime", "date"):
        form = (
            "a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM[:SS] (a real calendar date)"
            if column.kind == "datetime"
            else "a date YYYY-MM-DD (a real calendar date)"
        )
        checks.append((f"{raw} is not null and {typed} is null", raw, _quote(form)))
        limit = "$now" if column.kind == "datetime" else "cast($now as date)"
        checks.append(
            (
                f"{typed} > {limit}",
                raw,
                "'a date not in the future (now: ' || strftime($now, '%Y-%m-%d %H:%M') "
                "|| ' UK time)'",
            )
        )
    elif column.kind == "enum":
        checks.append(
            (f"{raw} is not null and {typed} is null", raw, _quote(_expected_codes(column)))
        )
    elif column.kind == "boolean":
        checks.append(
            (
                f"{raw} is not null and {typed} is null",
                raw,
                _quote("true or false (also accepted: yes/no, y/n, 1/0, any case)"),
            )
        )
    elif column.kind == "categories":
        codes = ", ".join(column.codes)
        unknown_codes = f"len(list_filter({typed}, lambda x: x is null))"
        checks.append(
            (
                f"{raw} is not null and {unknown_codes} > 0",
                raw,
                _quote(f"category codes separated by ';', each one of: {codes}"),
            )
        )
        checks.append(
            (
                f"{raw} is not null and {unknown_codes} = 0 and "
                f"len(list_distinct({typed})) < len({typed})",
                raw,
                _quote("each category at most once"),
            )
        )
    return checks


def _control_character_name(raw: str) -> str:
    """SQL naming the first control character of a value, as a person would."""
    code = f"unicode(regexp_extract({raw}, {_quote(CONTROL_CHARACTER)}))"
    names = " ".join(
        f"when {point} then {_quote(name)}" for point, name in CONTROL_CHARACTER_NAMES.items()
    )
    return f"case {code} {names} else 'control character U+' || printf('%04X', {code}) end"


def typed_select(table: str) -> str:
    """The select list that keeps each raw text column and adds its typed t_<column>.

    It reads a relation with the contract's columns as trimmed text (empty as NULL).
    """
    parts = []
    for column in SPECS[table]:
        parts.append(f'"{column.name}"')
        parts.append(f"{_typed_expression(column)} as t_{column.name}")
    return ", ".join(parts)


def typed_view(table: str, present: list[str]) -> str:
    """The select list of view typed_<table> over numbered_<table> n, joined to stored rows s.

    An optional column the extract leaves out is "not supplied": a stored row keeps its stored
    value of it (a row that is new takes the default, as for an empty value), whereas an empty
    value in a column that is there means unknown.
    """
    parts = ["n.* exclude (_extra_column, _extra_value"]
    kept = []
    for column in SPECS[table]:
        if column.optional and column.name not in present:
            parts[0] += f", t_{column.name}"
            kept.append(_kept_expression(table, column))
    return ", ".join([parts[0] + ")", *kept])


def _kept_expression(table: str, column: Column) -> str:
    id_column = SPECS[table][0].name
    stored, new = f"s.{column.name}", f"n.t_{column.name}"
    if column.kind == "enum":
        # the stored value is of the stored file's enum type: compared and kept as text
        stored, new = f"{stored}::varchar", f"{new}::varchar"
    value = f"case when s.{id_column} is null then {new} else {stored} end"
    if column.kind == "enum":
        value = f"({value})::{column.enum_type}"
    return f"{value} as t_{column.name}"


def create_problems_table(con: duckdb.DuckDBPyConnection) -> None:
    """The temp table every check appends its problems to, and temp tables approximate_lines
    and explained_cells.

    approximate_lines holds, per file, the line from which its line numbers may be approximate
    (oversight/ingest/sources.py fills it; the last statement of sql/cross_checks.sql says so in
    the text of every problem concerned). explained_cells holds the cells of a sheet that read
    as empty for a reason already reported (merged, or a formula with no saved result): their
    "must be filled" problems are dropped (ingest._raise_if_problems).
    """
    con.execute(
        "create or replace temp table problems (file varchar, line bigint, column_name varchar, "
        "value varchar, expected varchar)"
    )
    con.execute("create or replace temp table approximate_lines (file varchar, from_line bigint)")
    con.execute(
        "create or replace temp table explained_cells "
        "(file varchar, line bigint, column_name varchar)"
    )


def add_row_problems(con: duckdb.DuckDBPyConnection, table: str, file: str, now) -> None:
    """Append the problems of single rows of typed_<table> to problems."""
    selects = []
    for column in SPECS[table]:
        for condition, value, expected in _row_checks(column):
            selects.append(
                f"select $file, _line, {_quote(column.name)}, {value}, {expected} "
                f"from typed_{table} where {condition}"
            )
    id_column = SPECS[table][0].name
    selects.append(
        # a repeated id, reported on every line after its first
        f"select $file, t._line, '{id_column}', t.{id_column}, 'a unique {id_column} (the same "
        "id is on line ' || d.first_line || ' of this file)' "
        f"from typed_{table} t join (select {id_column}, min(_line) as first_line "
        f"from typed_{table} where {id_column} is not null group by {id_column} "
        f"having count(*) > 1) d using ({id_column}) where t._line > d.first_line"
    )
    if table == "referrals":
        selects.append(
            "select $file, _line, 'assessed_at', null, 'a date (assessed_at may be empty only "
            "while assessment is pending)' from typed_referrals "
            "where assessed_at is null and t_assessed_at is null and t_assessment is not null "
            "and t_assessment <> 'pending'"
        )
        selects.append(
            "select $file, _line, 'assessed_at', assessed_at, 'a date on or after referred_at (' "
            "|| strftime(t_referred_at, '%Y-%m-%d') || ')' from typed_referrals "
            "where t_assessed_at < cast(t_referred_at as date)"
        )
    con.execute(
        "insert into problems " + "\nunion all\n".join(selects),
        {"file": file, "now": now},
    )
