"""The ledger beside the data file: a file at its path that is not a ledger is refused in plain
words and never written into."""

import duckdb
import pytest

from oversight.ledger import LedgerError, appending, ledger_path, reading, record_attempt


def test_attempts_are_added_and_read_back(tmp_path):
    db_path = tmp_path / "data.duckdb"
    first = record_attempt(db_path, "unchanged", [{"file_name": "a.csv"}], "same")
    second = record_attempt(db_path, "dry run", [], "1 to add")
    with reading(db_path) as con:
        rows = con.execute("select attempt_id, result from import_attempts order by 1").fetchall()
    assert rows == [(first, "unchanged"), (second, "dry run")] and second == first + 1


def test_no_ledger_yet_reads_as_none(tmp_path):
    with reading(tmp_path / "data.duckdb") as con:
        assert con is None


@pytest.mark.parametrize("kind", ["not duckdb", "another duckdb file"])
def test_a_file_that_is_not_a_ledger_is_refused_and_left_alone(tmp_path, kind):
    db_path = tmp_path / "data.duckdb"
    path = ledger_path(db_path)
    if kind == "not duckdb":
        path.write_bytes(b"not a database at all\n" * 100)
    else:
        with duckdb.connect(str(path)) as con:
            con.execute("create table notes (x integer)")
    before = path.read_bytes()
    for opener in (reading, appending):
        with pytest.raises(LedgerError, match="not an Oversight ledger"), opener(db_path):
            pass
    assert path.read_bytes() == before
