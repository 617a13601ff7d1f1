"""oversight/upload.py on real files: the demo extract imported as real data in part, then
uploaded whole (what it adds is worked out with pandas from the CSV files), and broken copies
of it refused whole."""

import hashlib
import io
import shutil
import tomllib
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from oversight import audit, upload
from oversight.exports import csv_bytes
from oversight.ingest import import_extract
from oversight.settings import PROJECT_ROOT
from oversight.store import version_of

USER, ROLE = "admin@example.org", "admin"
PARTIAL_REPORTS = 1000  # the first reports of the demo, stored before the tests upload the rest
TABLES = ("reports", "referrals", "outcomes")


def quiet(_: str) -> None:
    return None


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def partial_files(demo_files, tmp_path_factory) -> dict[str, Path]:
    """The demo's first reports, their referrals and those referrals' outcomes."""
    folder = tmp_path_factory.mktemp("partial_extract")
    reports = read(demo_files["reports"]).head(PARTIAL_REPORTS)
    referrals = read(demo_files["referrals"])
    referrals = referrals[referrals["report_id"].isin(reports["report_id"])]
    outcomes = read(demo_files["outcomes"])
    outcomes = outcomes[outcomes["referral_id"].isin(referrals["referral_id"])]
    paths = {}
    for table, frame in zip(TABLES, (reports, referrals, outcomes), strict=True):
        paths[table] = folder / f"{table}.csv"
        frame.to_csv(paths[table], index=False)
    return paths


@pytest.fixture(scope="session")
def partial_database(partial_files, tmp_path_factory) -> Path:
    """A database of real (not synthetic) data holding the partial extract."""
    db_path = tmp_path_factory.mktemp("partial_db") / "oversight.duckdb"
    import_extract(list(partial_files.values()), db_path)
    return db_path


@pytest.fixture
def real_db(partial_database, tmp_path) -> Path:
    """A copy of the partial database, for this test alone."""
    db_path = tmp_path / "db" / "oversight.duckdb"
    db_path.parent.mkdir()
    shutil.copy(partial_database, db_path)
    return db_path


def uploaded(paths) -> list[tuple[str, bytes]]:
    return [(Path(p).name, Path(p).read_bytes()) for p in paths]


def file_state(path: Path) -> tuple:
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns, stat.st_ino


def test_dry_run_lists_what_would_be_added_and_writes_nothing(
    real_db, demo_files, partial_files, tmp_path
):
    before = file_state(real_db)
    staged = upload.stage_upload(uploaded(demo_files.values()), tmp_path)
    checked = upload.dry_run(staged, real_db, USER, ROLE, quiet)
    assert checked.accepted, checked.message
    assert checked.problems.empty
    changes = upload.changes_frame(checked.summary).set_index("table")
    for table in TABLES:
        full, partial = read(demo_files[table]), read(partial_files[table])
        id_column = full.columns[0]
        new_ids = full.loc[~full[id_column].isin(partial[id_column]), id_column]
        assert changes.loc[table, "to add"] == len(new_ids)
        assert changes.loc[table, "to revise"] == 0
        assert changes.loc[table, "unchanged"] == len(partial)
        # the first ids added, in file order, as the command line's dry run lists them
        assert changes.loc[table, "added, e.g."] == ", ".join(new_ids.head(5))
    assert file_state(real_db) == before


def test_confirming_imports_exactly_the_checked_files(real_db, demo_files, tmp_path):
    staged = upload.stage_upload(uploaded(demo_files.values()), tmp_path)
    checked = upload.dry_run(staged, real_db, USER, ROLE, quiet)
    before = version_of(real_db)
    done = upload.import_staged(staged, real_db, checked, USER, ROLE, quiet)
    assert done.accepted, done.message
    assert done.summary.written and version_of(real_db) != before
    frames = {table: read(demo_files[table]) for table in TABLES}
    with duckdb.connect(str(real_db), read_only=True) as con:
        for table, frame in frames.items():
            assert con.execute(f"select count(*) from {table}").fetchone()[0] == len(frame)
    latest = max(
        pd.to_datetime(frames["reports"]["received_at"].str[:10]).max(),
        pd.to_datetime(frames["referrals"]["referred_at"].str[:10]).max(),
        pd.to_datetime(frames["referrals"]["assessed_at"].replace("", None)).max(),
        pd.to_datetime(frames["outcomes"]["decided_at"]).max(),
    )
    assert done.as_at_date == latest.date()
    assert "import 2" in done.message


def test_the_audit_log_records_who_imported_what(real_db, demo_files, tmp_path):
    staged = upload.stage_upload(uploaded(demo_files.values()), tmp_path)
    checked = upload.dry_run(staged, real_db, USER, ROLE, quiet)
    upload.import_staged(staged, real_db, checked, USER, ROLE, quiet)
    events = audit.events(real_db)
    events = events[events["event"] == "import"]
    assert list(events["user_id"]) == [USER, USER]
    tried = upload.import_events(real_db)
    assert list(tried["result"]) == ["imported", "dry run"]
    assert list(tried["import"].astype(object)) == [2, pd.NA]
    detail = upload._detail(events.iloc[0]["detail"])
    assert {f["name"]: f["sha256"] for f in detail["files"]} == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in demo_files.values()
    }
    assert {f["name"]: f["size"] for f in detail["files"]} == {
        path.name: path.stat().st_size for path in demo_files.values()
    }
    history = upload.with_importers(upload.import_history(real_db), real_db)
    # the partial extract went in through import_extract, as the command line imports
    assert dict(zip(history["import_id"], history["imported by"], strict=True)) == {
        2: USER,
        1: upload.COMMAND_LINE,
    }


def broken_copy(demo_files, folder: Path) -> list[Path]:
    """The demo extract with a bad date on line 7 of reports.csv and an unknown force on
    line 9 (the header is line 1)."""
    folder.mkdir()
    lines = demo_files["reports"].read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    for line, column, value in ((7, "received_at", "2024-13-45"), (9, "subject_force", "atlantis")):
        cells = lines[line - 1].rstrip("\n").split(",")
        cells[header.index(column)] = value
        lines[line - 1] = ",".join(cells) + "\n"
    (folder / "reports.csv").write_text("".join(lines), encoding="utf-8")
    for table in ("referrals", "outcomes"):
        shutil.copy(demo_files[table], folder / f"{table}.csv")
    return [folder / f"{table}.csv" for table in TABLES]


def test_a_broken_extract_is_refused_whole_with_every_problem(real_db, demo_files, tmp_path):
    before = file_state(real_db)
    staged = upload.stage_upload(uploaded(broken_copy(demo_files, tmp_path / "x")), tmp_path)
    checked = upload.dry_run(staged, real_db, USER, ROLE, quiet)
    assert not checked.accepted
    assert checked.message == "Extract refused, nothing was imported: 2 problems found."
    problems = checked.problems
    assert list(problems.columns) == ["file", "line", "column", "value", "expected"]
    assert list(zip(problems["file"], problems["line"], problems["column"], problems["value"],
                    strict=True)) == [
        ("reports.csv", 7, "received_at", "2024-13-45"),
        ("reports.csv", 9, "subject_force", "atlantis"),
    ]  # fmt: skip
    assert problems["expected"].str.len().min() > 0
    # the download has the same rows
    downloaded = pd.read_csv(io.BytesIO(csv_bytes(problems)), dtype=str, encoding="utf-8-sig")
    assert downloaded.values.tolist() == problems.astype(str).values.tolist()
    assert file_state(real_db) == before
    assert upload.import_events(real_db)["result"].tolist() == ["refused"]
    # and confirming it anyway imports nothing
    assert not upload.import_staged(staged, real_db, checked, USER, ROLE, quiet).accepted
    assert file_state(real_db) == before


def test_real_data_is_not_imported_into_the_demo(demo_database, demo_files, tmp_path):
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(demo_database, db_path)
    before = file_state(db_path)
    staged = upload.stage_upload(uploaded(demo_files.values()), tmp_path)
    checked = upload.dry_run(staged, db_path, USER, ROLE, quiet)
    assert not checked.accepted
    assert checked.message.startswith("Import refused, nothing was changed: ")
    assert "holds the synthetic demonstration data: real extracts are not mixed" in checked.message
    assert "Traceback" not in checked.message
    assert file_state(db_path) == before


def test_a_rollback_found_by_the_dry_run_refuses_the_import(real_db, partial_files, tmp_path):
    referrals = read(partial_files["referrals"])
    # a referral without outcomes: a pending one with outcomes would break the contract instead
    decided = read(partial_files["outcomes"])["referral_id"]
    undecided = ~referrals["referral_id"].isin(decided)
    first = referrals.index[(referrals["assessment"] == "transferred") & undecided][0]
    referrals.loc[first, "assessment"] = "pending"
    data = referrals.to_csv(index=False).encode("utf-8")
    staged = upload.stage_upload([("referrals.csv", data)], tmp_path)
    checked = upload.dry_run(staged, real_db, USER, ROLE, quiet)
    assert not checked.accepted
    assert "--accept-rollback" in checked.message, checked.problems.to_dict("records")
    assert checked.problems[["file", "line"]].values.tolist() == [["referrals.csv", first + 2]]


def test_an_import_after_another_import_is_checked_again(real_db, demo_files, tmp_path):
    staged = upload.stage_upload(uploaded(demo_files.values()), tmp_path)
    checked = upload.dry_run(staged, real_db, USER, ROLE, quiet)
    other = upload.stage_upload(uploaded([demo_files["reports"]]), tmp_path)
    upload.import_staged(other, real_db, upload.dry_run(other, real_db, USER, ROLE, quiet),
                         USER, ROLE, quiet)  # fmt: skip
    before = file_state(real_db)
    done = upload.import_staged(staged, real_db, checked, USER, ROLE, quiet)
    assert not done.accepted and "changed since these files were checked" in done.message
    assert file_state(real_db) == before


@pytest.mark.parametrize(
    "name", ["../../etc/reports.csv", "..\\..\\reports.csv", "/tmp/reports.csv", "..reports.csv"]
)
def test_a_name_is_kept_without_its_folders(name, tmp_path):
    (tmp_path / "up").mkdir()
    staged = upload.stage_upload([(name, b"report_id\n")], tmp_path / "up")
    assert [p.name for p in staged.folder.iterdir()] == ["reports.csv"]
    assert staged.folder.parent == tmp_path / "up"
    assert not (tmp_path / "etc").exists()


@pytest.mark.parametrize(
    ("files", "refused"),
    [
        ([("reports.exe", b"MZ")], ["reports.exe"]),
        ([("reports.csv", b"a"), (".csv", b"b")], [".csv"]),
        ([("reports.csv", b"a"), ("a/REPORTS.CSV", b"b")], ["a/REPORTS.CSV"]),
        ([("x/referrals.csv", b"a"), ("y/referrals.csv", b"b")], ["y/referrals.csv"]),
    ],
)
def test_other_kinds_of_file_and_repeated_names_are_refused(files, refused, tmp_path):
    with pytest.raises(upload.UploadRefused) as caught:
        upload.stage_upload(files, tmp_path)
    assert [p.file for p in caught.value.problems] == refused
    assert list(tmp_path.iterdir()) == []  # nothing kept


def test_an_upload_over_the_limit_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(upload, "MAX_UPLOAD_MB", 1)
    files = [("reports.csv", b"x" * 700_000), ("referrals.csv", b"y" * 700_000)]
    with pytest.raises(upload.UploadRefused) as caught:
        upload.stage_upload(files, tmp_path)
    assert str(caught.value).startswith(
        "The files come to 1.3 MB together; an upload may hold at most 1 MB."
    )
    assert list(tmp_path.iterdir()) == []
    upload.stage_upload(files[:1], tmp_path)  # one of them alone is within it


def test_the_limit_is_the_servers_upload_limit():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == upload.MAX_UPLOAD_MB


def test_the_key_changes_with_any_file(tmp_path):
    files = [("reports.csv", b"a"), ("outcomes.csv", b"b")]
    assert upload.upload_key(files) == upload.upload_key(files[::-1])
    assert upload.upload_key(files) != upload.upload_key([("reports.csv", b"a")])
    assert upload.upload_key(files) != upload.upload_key([("reports.csv", b"c"), files[1]])
    assert upload.upload_key(files) != upload.upload_key([("referrals.csv", b"a"), files[1]])
    staged = upload.stage_upload(files, tmp_path)
    upload.discard(staged)
    assert not staged.folder.exists()
