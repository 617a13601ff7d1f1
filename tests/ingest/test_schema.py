"""The schema itself refuses every row the contract forbids, whoever writes it, and its enums are
the contract's code lists."""

import csv
from datetime import date, datetime

import duckdb
import pytest

from oversight import contract
from oversight.settings import FORCES_CSV

from .helpers import copy_db

VALID = {
    "reports": {
        "report_id": "RX", "received_at": datetime(2024, 3, 1, 9, 30), "channel": "phone",
        "categories": ["corrupt_exchange", "other"], "subject_force": "kent",
        "subject_role": "officer", "anonymous": False,
        "duty_status": "unknown", "setting": "unknown", "subject_sex": "not_stated",
        "subject_ethnicity": "not_stated", "import_id": 1,
    },
    "referrals": {
        "referral_id": "FX", "report_id": "R1", "force": "kent",
        "referred_at": datetime(2024, 3, 4, 15, 0), "assessment": "investigation",
        "assessed_at": date(2024, 3, 10), "import_id": 1,
    },
    "outcomes": {
        "outcome_id": "OX", "referral_id": "F1", "outcome": "dismissed",
        "decided_at": date(2024, 6, 1), "import_id": 1,
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def connection(first_import_db, tmp_path_factory):
    """A read-write connection to a copy of the database holding R1, F1 and O1."""
    connection = duckdb.connect(str(copy_db(first_import_db, tmp_path_factory.mktemp("schema"))))
    yield connection
    connection.close()


@pytest.fixture
def con(connection):
    """The connection, in a transaction rolled back after the test."""
    connection.begin()
    yield connection
    connection.rollback()


def insert(con, table: str, **changes) -> None:
    values = VALID[table] | changes
    columns = ", ".join(values)
    placeholders = ", ".join(f"${name}" for name in values)
    con.execute(f"insert into {table} ({columns}) values ({placeholders})", values)


@pytest.mark.parametrize(
    ("table", "changes"),
    [
        ("reports", {}),
        ("reports", {"subject_force": "unknown"}),
        ("reports", {"categories": ["discrimination"]}),
        ("referrals", {}),
        ("referrals", {"assessed_at": date(2024, 3, 4)}),  # same date as referred_at
        ("referrals", {"assessment": "pending", "assessed_at": None}),
        ("outcomes", {}),
    ],
)
def test_rows_the_contract_allows_are_stored(con, table, changes):
    insert(con, table, **changes)
    key, value = next(iter((VALID[table] | changes).items()))
    count = con.execute(f"select count(*) from {table} where {key} = $v", {"v": value})
    assert count.fetchall() == [(1,)]


FORBIDDEN = [
    ("reports", {"channel": "fax"}, "Could not convert"),
    ("reports", {"channel": "Phone"}, "Could not convert"),
    ("reports", {"subject_role": "chief"}, "Could not convert"),
    ("reports", {"duty_status": "on duty"}, "Could not convert"),
    ("reports", {"setting": "offline"}, "Could not convert"),
    ("reports", {"subject_sex": "f"}, "Could not convert"),
    ("reports", {"subject_ethnicity": "unknown"}, "Could not convert"),
    ("reports", {"subject_force": "atlantis"}, "Could not convert"),
    ("reports", {"report_id": None}, "NOT NULL"),
    ("reports", {"received_at": None}, "NOT NULL"),
    ("reports", {"channel": None}, "NOT NULL"),
    ("reports", {"anonymous": None}, "NOT NULL"),
    ("reports", {"duty_status": None}, "NOT NULL"),
    ("reports", {"report_id": "x" * 65}, "CHECK"),
    ("reports", {"report_id": ""}, "CHECK"),
    ("reports", {"report_id": "R1"}, "Duplicate key"),  # already stored
    ("reports", {"import_id": 0}, "CHECK"),
    ("reports", {"categories": ["bribery"]}, "Could not convert"),
    ("reports", {"categories": ["other", "other"]}, "CHECK"),  # a category at most once
    ("reports", {"categories": []}, "CHECK"),  # at least one
    ("reports", {"categories": ["other", None]}, "CHECK"),
    ("reports", {"categories": None}, "NOT NULL"),
    ("referrals", {"referral_id": "x" * 65}, "CHECK"),
    ("referrals", {"referral_id": "F1"}, "Duplicate key"),
    ("referrals", {"report_id": "R404"}, "foreign key"),
    ("referrals", {"report_id": None}, "NOT NULL"),
    ("referrals", {"force": "unknown"}, "Could not convert"),
    ("referrals", {"force": "atlantis"}, "Could not convert"),
    ("referrals", {"assessment": "nfa"}, "Could not convert"),
    ("referrals", {"assessed_at": None}, "CHECK"),  # while investigation
    ("referrals", {"assessment": "transferred", "assessed_at": None}, "CHECK"),
    ("referrals", {"assessed_at": date(2024, 3, 3)}, "CHECK"),  # before referred_at
    ("referrals", {"referred_at": None}, "NOT NULL"),
    ("outcomes", {"outcome_id": "x" * 65}, "CHECK"),
    ("outcomes", {"outcome_id": "O1"}, "Duplicate key"),
    ("outcomes", {"referral_id": "F404"}, "foreign key"),
    ("outcomes", {"outcome": "sacked"}, "Could not convert"),
    ("outcomes", {"outcome": None}, "NOT NULL"),
    ("outcomes", {"decided_at": None}, "NOT NULL"),
]


@pytest.mark.parametrize(("table", "changes", "reason"), FORBIDDEN)
def test_rows_the_contract_forbids_are_refused_by_duckdb(con, table, changes, reason):
    before = con.execute(f"select count(*) from {table}").fetchall()
    with pytest.raises((duckdb.ConstraintException, duckdb.ConversionException), match=reason):
        insert(con, table, **changes)
    con.rollback()  # the refusal aborted the transaction; a new one shows what is stored
    con.begin()
    assert con.execute(f"select count(*) from {table}").fetchall() == before


def enum_codes(con, type_name: str) -> tuple[str, ...]:
    return tuple(con.execute(f"select enum_range(null::{type_name})").fetchone()[0])


@pytest.mark.parametrize(
    ("type_name", "codes"),
    [
        ("channel", contract.CHANNELS),
        ("category", contract.CATEGORIES),
        ("subject_role", contract.SUBJECT_ROLES),
        ("duty_status", contract.DUTY_STATUSES),
        ("setting", contract.SETTINGS),
        ("subject_sex", contract.SUBJECT_SEXES),
        ("subject_ethnicity", contract.SUBJECT_ETHNICITIES),
        ("assessment", contract.ASSESSMENTS),
        ("outcome", contract.OUTCOMES),
        ("source_table", contract.TABLES),
    ],
)
def test_schema_enum_is_the_contract_code_list(con, type_name, codes):
    assert enum_codes(con, type_name) == codes


def test_force_enums_are_the_forces_reference(con):
    with open(FORCES_CSV, newline="", encoding="utf-8") as handle:
        forces = tuple(line["force_code"] for line in csv.DictReader(handle))
    assert len(forces) == 48
    assert "unknown" not in forces
    assert enum_codes(con, "force_code") == forces
    assert enum_codes(con, "subject_force_code") == (*forces, contract.UNKNOWN_FORCE)
    assert tuple(r[0] for r in con.execute("select force_code from forces").fetchall()) == forces


def test_code_lists_are_the_data_contracts():
    # written out from docs/data-contract.md, not read from the code
    assert contract.CHANNELS == ("phone", "online")
    assert contract.SUBJECT_ROLES == ("officer", "staff", "volunteer", "unknown")
    assert contract.ASSESSMENTS == ("investigation", "safeguarding", "intelligence_only",
                                    "no_further_action", "transferred", "pending")  # fmt: skip
    assert len(contract.OUTCOMES) == len(set(contract.OUTCOMES)) == 16
    assert contract.MAX_ID_LENGTH == 64
