"""The audit log: recorded off the caller's thread, written in batches, nothing lost when the
ledger cannot be written for a while, kept across imports and at exit; and its admin page."""

import datetime as dt
import json
import shutil
import subprocess
import sys
import threading

import duckdb
import pandas as pd
import pytest

from oversight import audit, ledger
from oversight.ingest import import_extract
from oversight.settings import PROJECT_ROOT

COLUMNS = ["at", "user_id", "role", "event", "page", "detail"]


def _insert(db_path, rows):
    """Rows written straight into the ledger, with the times a test needs: (at, user, event)."""
    with ledger.appending(db_path) as con:
        for at, user, event in rows:
            con.execute(
                "insert into audit_events (recorded_at, user_id, role, event, page, detail) "
                "values ($at, $user, 'staff', $event, 'overview', '{}')",
                {"at": at, "user": user, "event": event},
            )


def test_record_writes_nothing_until_flushed(tmp_path):
    db_path = tmp_path / "data.duckdb"
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # holding the writers' lock keeps the background writer out: only record() can act here
    with audit._writing:
        audit.record(db_path, "a@x.police.uk", "staff", audit.VIEW, "overview", {"force": ["01"]})
        audit.record(db_path, "b@x.police.uk", "admin", audit.DOWNLOAD, "reports", {"file": "x"})
        assert not ledger.ledger_path(db_path).exists()
        assert audit.pending_count(db_path) == 2
    audit.flush(db_path)
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    found = audit.events(db_path)
    assert list(found.columns) == COLUMNS
    assert found["user_id"].tolist() == ["b@x.police.uk", "a@x.police.uk"]  # newest first
    assert found["event"].tolist() == ["download", "view"]
    assert found["role"].tolist() == ["admin", "staff"]
    assert found["page"].tolist() == ["reports", "overview"]
    assert [json.loads(d) for d in found["detail"]] == [{"file": "x"}, {"force": ["01"]}]
    assert all(before <= at <= after for at in found["at"])
    assert audit.pending_count(db_path) == 0
    assert audit.users(db_path) == ["a@x.police.uk", "b@x.police.uk"]


def test_filters_by_user_dates_and_limit(tmp_path):
    db_path = tmp_path / "data.duckdb"
    _insert(
        db_path,
        [
            (dt.datetime(2026, 3, 1, 0, 0), "a", "view"),
            (dt.datetime(2026, 3, 1, 23, 59, 59), "b", "view"),
            (dt.datetime(2026, 3, 2, 12, 0), "a", "download"),
            (dt.datetime(2026, 3, 3, 0, 0), "a", "view"),
        ],
    )
    one_day = audit.events(db_path, first=dt.date(2026, 3, 1), last=dt.date(2026, 3, 1))
    assert one_day["user_id"].tolist() == ["b", "a"]
    from_second = audit.events(db_path, user="a", first=dt.date(2026, 3, 2))
    assert from_second["event"].tolist() == ["view", "download"]
    up_to_second = audit.events(db_path, user="a", last=dt.date(2026, 3, 2))
    assert up_to_second["at"].dt.day.tolist() == [2, 1]
    assert len(audit.events(db_path, limit=3)) == 3
    assert audit.events(db_path, user="nobody").empty


def test_no_ledger_gives_an_empty_log(tmp_path):
    found = audit.events(tmp_path / "data.duckdb")
    assert found.empty and list(found.columns) == COLUMNS
    assert audit.users(tmp_path / "data.duckdb") == []


def test_a_ledger_older_than_the_audit_log_reads_as_empty_and_takes_it(tmp_path):
    db_path = tmp_path / "data.duckdb"
    with ledger.appending(db_path) as con:
        con.execute("drop table audit_events")  # as a ledger made before this table existed
    assert audit.events(db_path).empty
    audit.record(db_path, "a", "staff", audit.SIGN_IN)
    audit.flush(db_path)
    assert audit.events(db_path)["event"].tolist() == ["sign-in"]


def test_an_unknown_kind_of_event_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not a kind of audit event"):
        audit.record(tmp_path / "data.duckdb", "a", "staff", "viewed")


def test_a_thousand_events_are_written_in_a_handful_of_transactions(tmp_path):
    db_path = tmp_path / "data.duckdb"
    before = audit.batches_written
    for number in range(1000):
        audit.record(db_path, f"user{number % 7}", "staff", audit.VIEW, "overview", {"n": number})
    audit.flush(db_path)
    # one per FLUSH_EVENTS (200) at most, one more for a timed flush, and the final flush
    assert 1 <= audit.batches_written - before <= 1000 // audit.FLUSH_EVENTS + 2
    found = audit.events(db_path)
    assert sorted(json.loads(d)["n"] for d in found["detail"]) == list(range(1000))
    assert [json.loads(d)["n"] for d in found["detail"]][:3] == [999, 998, 997]


def test_a_failed_flush_keeps_the_events_and_a_later_one_writes_them(tmp_path, caplog):
    db_path = tmp_path / "data.duckdb"
    path = ledger.ledger_path(db_path)
    with duckdb.connect(str(path)) as con:
        con.execute("create table notes (x integer)")  # a DuckDB file that is not a ledger
    for number in range(5):
        audit.record(db_path, "a", "staff", audit.VIEW, "overview", {"n": number})
    audit.flush(db_path)  # refused (LedgerError): no exception here
    assert audit.pending_count(db_path) == 5
    assert "cannot be written" in caplog.text and str(path) in caplog.text
    audit.record(db_path, "a", "staff", audit.VIEW, "overview", {"n": 5})

    path.rename(tmp_path / "aside.duckdb")
    audit.flush(db_path)
    assert audit.pending_count(db_path) == 0
    found = audit.events(db_path)
    assert [json.loads(d)["n"] for d in found["detail"]] == [5, 4, 3, 2, 1, 0]


def test_record_now_writes_before_returning_and_says_when_it_cannot(tmp_path):
    db_path = tmp_path / "data.duckdb"
    audit.record_now(db_path, "local", "admin", audit.IMPORT, detail={"files": ["a.csv"]})
    assert audit.events(db_path)["event"].tolist() == ["import"]

    shutil.move(ledger.ledger_path(db_path), tmp_path / "aside.duckdb")
    ledger.ledger_path(db_path).mkdir()  # a folder where the ledger should be
    with pytest.raises(ledger.LedgerError, match="cannot be written"):
        audit.record_now(db_path, "local", "admin", audit.PUBLISH)
    assert audit.pending_count(db_path) == 1  # kept, to be written once the ledger is back
    ledger.ledger_path(db_path).rmdir()
    shutil.move(tmp_path / "aside.duckdb", ledger.ledger_path(db_path))
    audit.flush(db_path)
    assert audit.events(db_path)["event"].tolist() == ["publish", "import"]


def test_events_survive_an_import(demo_files, demo_database, tmp_path):
    db_path = tmp_path / "data.duckdb"
    shutil.copy(demo_database, db_path)
    audit.record(db_path, "a@x.police.uk", "staff", audit.VIEW, "overview")
    audit.flush(db_path)
    inode = db_path.stat().st_ino

    import_extract(list(demo_files.values()), db_path, synthetic=True, replace=True)

    assert db_path.stat().st_ino != inode  # a new data file was swapped in
    assert audit.events(db_path)["user_id"].tolist() == ["a@x.police.uk"]


def test_events_left_waiting_are_written_at_exit(tmp_path):
    db_path = tmp_path / "data.duckdb"
    program = (
        "import sys; from pathlib import Path; from oversight import audit; "
        "audit.record(Path(sys.argv[1]), 'a@x.police.uk', 'staff', audit.VIEW, 'forces')"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, str(db_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no warning, and no leak report from DuckDB's bindings
    assert audit.events(db_path)["page"].tolist() == ["forces"]


def test_the_background_writer_is_one_daemon_thread(tmp_path):
    for name in ("one", "two"):
        audit.record(tmp_path / f"{name}.duckdb", "a", "staff", audit.VIEW)
    writers = [t for t in threading.enumerate() if t.name == "audit-log-writer"]
    assert len(writers) == 1 and writers[0].daemon
    audit.flush()  # every ledger's
    assert [len(audit.events(tmp_path / f"{name}.duckdb")) for name in ("one", "two")] == [1, 1]


def test_imports_and_releases_from_the_command_line_are_on_record(demo_files, tmp_path):
    db_path = tmp_path / "cli.duckdb"
    for command in (
        ["import", *map(str, demo_files.values()), "--db", str(db_path)],
        ["publish", "--db", str(db_path), "--out", str(tmp_path / "out"), "--year", "2024"],
    ):
        done = subprocess.run([sys.executable, "-m", "oversight", *command], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
    log = audit.events(db_path)
    assert log["event"].tolist() == ["publish", "import"]
    assert log["user_id"].str.endswith("(command line)").all()
    published, imported = (json.loads(d) for d in log["detail"])
    assert published["period"] == "fy2024" and published["release"] == 1
    assert [f["name"] for f in imported["files"]] == [p.name for p in demo_files.values()]


def test_the_admin_page_shows_details_in_plain_words():
    frame = pd.DataFrame({"at": [dt.datetime(2026, 1, 1)], "user_id": ["a"], "role": ["admin"],
                          "event": ["download"], "page": ["Reports"],
                          "detail": [json.dumps({"file": "x.csv",
                                                 "forces": ["kent"]})]})  # fmt: skip
    shown = audit.readable(frame)
    assert shown.columns.tolist() == ["Time (UTC)", "User", "Role", "Event", "Page", "What"]
    assert shown["What"].tolist() == ['file: x.csv; forces: ["kent"]']
