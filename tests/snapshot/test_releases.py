"""Public releases: the register, each period released once, and the attacks of issue 9 tried
against what the public holds after several releases, on an extract where small counts abound.

Each attack is an independent linear programme (tests/snapshot/attack.py) over the published
files: "before" is what the same periods suppressed one by one would give away (as each
preview, or the old live public page, did), "after" is what the releases give away."""

import datetime as dt
import functools
import hashlib
import json
import os
from pathlib import Path

import duckdb
import pytest

from oversight.db import connect_read_only
from oversight.ingest import import_extract
from oversight.ledger import ledger_path
from oversight.snapshot import register
from oversight.snapshot.across import earlier_constraints
from oversight.snapshot.build import build_snapshot
from oversight.snapshot.periods import PublicPeriod
from oversight.snapshot.register import Release
from tests.snapshot.attack import C, attack, read_release, sparse_extract
from tests.system.test_cli import oversight

THRESHOLD = 5
QUARTERS_2024 = ["2024-1", "2024-2", "2024-3", "2024-4"]


def database(tmp_path: Path, name: str, **extract) -> Path:
    db_path = tmp_path / f"{name}.duckdb"
    import_extract(sparse_extract(tmp_path / f"{name}_extract", **extract), db_path)
    return db_path


def run(db_path: Path, command: str, out: Path, *args: str) -> Path:
    result = oversight(command, "--db", str(db_path), "--out", str(out), *args)
    assert result.returncode == 0, result.stderr
    return out


def period_args(period: str) -> list[str]:
    return ["--quarter", period] if "-" in period else ["--year", period]


def period_key(period: str) -> str:
    return f"fy{period[:4]}" + (f"-q{period[5]}" if "-" in period else "")


@pytest.fixture(scope="module")
def sparse(tmp_path_factory) -> Path:
    return database(tmp_path_factory.mktemp("sparse"), "sparse")


@pytest.fixture(scope="module")
def year_beside_quarters(sparse, tmp_path_factory) -> dict:
    """FY 2024/25 and its quarters: previews, each suppressed alone, then releases in order."""
    root = tmp_path_factory.mktemp("year_beside_quarters")
    periods = [*QUARTERS_2024, "2024"]
    alone = [
        (
            period_key(p),
            read_release(run(sparse, "snapshot", root / f"alone_{p}", "--public", *period_args(p))),
        )  # fmt: skip
        for p in periods
    ]
    assert not ledger_path(sparse).exists()  # previews record nothing
    released = [
        (
            period_key(p),
            read_release(run(sparse, "publish", root / f"released_{p}", *period_args(p))),
        )  # fmt: skip
        for p in periods
    ]
    return {"alone": alone, "released": released, "root": root}


def test_publish_has_help():
    result = oversight("publish", "--help")
    assert result.returncode == 0
    for option in ("--year", "--quarter", "--out", "--db", "--revise"):
        assert option in result.stdout


def test_the_register_keeps_each_release_its_cells_and_its_files(sparse, year_beside_quarters):
    root = year_beside_quarters["root"]
    con = duckdb.connect(str(ledger_path(sparse)), read_only=True)
    try:
        releases = con.execute(
            "select release_id, period_key, first_date, last_date, as_at_date, released_at, "
            "threshold, revises from releases order by release_id"
        ).fetchall()
        files = con.execute(
            "select release_id, file_name, sha256, content from release_files"
        ).fetchall()
        cells = con.execute(
            "select release_id, table_name, row_key, column_name, published from release_cells"
        ).fetchall()
    finally:
        con.close()
    assert [r[1] for r in releases] == ["fy2024-q1", "fy2024-q2", "fy2024-q3", "fy2024-q4",
                                        "fy2024"]  # fmt: skip
    assert releases[4][2:4] == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert len({r[4] for r in releases}) == 1 and releases[0][4] >= dt.date(2026, 6, 30)
    assert all(r[6] == THRESHOLD and r[7] is None for r in releases)
    # the files themselves, byte for byte, with their hashes
    for release_id, name, digest, content in files:
        period = [*QUARTERS_2024, "2024"][release_id - 1]
        on_disk = (root / f"released_{period}" / name).read_bytes()
        assert bytes(content) == on_disk and hashlib.sha256(on_disk).hexdigest() == digest
    assert len(files) == 5 * 12
    # every count cell as published
    published = {(r, t, row, col): text for r, t, row, col, text in cells}
    year = read_release(root / "released_2024")
    assert {cell: published[(5, *cell)] for cell in year} == year


def test_each_period_is_released_once(sparse, year_beside_quarters, tmp_path):
    result = oversight("publish", "--db", str(sparse), "--out", str(tmp_path / "again"),
                       "--quarter", "2024-1")  # fmt: skip
    assert result.returncode == 1 and "released once" in result.stderr
    # the data has passed no annual revision point since: not even with --revise
    result = oversight("publish", "--db", str(sparse), "--out", str(tmp_path / "again"),
                       "--quarter", "2024-1", "--revise")  # fmt: skip
    assert result.returncode == 1 and "once a year" in result.stderr
    assert not (tmp_path / "again").exists()


def test_a_year_beside_its_quarters_gives_nothing_away(year_beside_quarters):
    before = attack(year_beside_quarters["alone"], THRESHOLD)
    after = attack(year_beside_quarters["released"], THRESHOLD)
    print(f"year beside quarters: suppressed {before['suppressed']} -> {after['suppressed']}; "
          f"pinned cells {len(before['cells'])} -> {len(after['cells'])}, pinned changes "
          f"{len(before['changes'])} -> {len(after['changes'])}")  # fmt: skip
    assert before["cells"] or before["changes"]  # the attack works on periods suppressed alone
    assert after["cells"] == [] and after["changes"] == []


def test_the_outcomes_decided_in_released_periods_are_never_small(year_beside_quarters):
    released = year_beside_quarters["released"]
    decided = [
        text for _, cells in released for cell, text in cells.items()
        if cell[0].startswith("outcomes_decided")
    ]  # fmt: skip
    assert all(text == C or not 1 <= int(text) < THRESHOLD for text in decided)
    assert C in decided  # the sparse extract has small counts of them: the check has work


# Twenty dismissals at Kent of reports received in 2023, decided in FY 2024/25: 2 in its first
# quarter, 6 in each of the others. The first quarter's 2 are late records: missing from the
# extract its quarters are released from, there when the year is. The cohort tables of 2024/25
# hold none of them.
DISMISSED_IN = ["2024-05-10"] * 2 + ["2024-08-10"] * 6 + ["2024-11-10"] * 6 + ["2025-02-10"] * 6
LATE = 2


@pytest.fixture(scope="module")
def decided_later(tmp_path_factory) -> dict[str, Path]:
    """The databases of the extract without its late records ("early") and with ("later")."""
    root = tmp_path_factory.mktemp("decided_later")
    reports = ["report_id,received_at,channel,categories,subject_force,subject_role,anonymous"]
    referrals = ["referral_id,report_id,force,referred_at,assessment,assessed_at"]
    outcomes = ["outcome_id,referral_id,outcome,decided_at"]
    for i, decided in enumerate(DISMISSED_IN, start=1):
        reports.append(f"R{i},2023-06-{i:02d}T10:00:00,phone,other,kent,officer,false")
        referrals.append(f"F{i},R{i},kent,2023-07-{i:02d},investigation,2023-08-{i:02d}")
        outcomes.append(f"O{i},F{i},dismissed,{decided}")
    databases = {}
    for name, outcome_rows in (("early", [outcomes[0], *outcomes[1 + LATE :]]),
                               ("later", outcomes)):  # fmt: skip
        folder = root / name
        folder.mkdir()
        for table, rows in (("reports", reports), ("referrals", referrals),
                            ("outcomes", outcome_rows)):  # fmt: skip
            (folder / f"{table}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        databases[name] = root / f"{name}.duckdb"
        import_extract([folder / f"{t}.csv" for t in ("reports", "referrals", "outcomes")],
                       databases[name])  # fmt: skip
    return databases


def release_of(db_path: Path, period: PublicPeriod, earlier: list[Release] | None) -> Release:
    """The period suppressed against the earlier releases (None: alone, as a preview of it
    alone would be), as the register would keep it."""
    con = connect_read_only(db_path)
    try:
        snapshot = build_snapshot(
            con, period.first, period.last, public=True, threshold=THRESHOLD,
            earlier=None if earlier is None else functools.partial(
                earlier_constraints, period=period, earlier=earlier
            ),
        )  # fmt: skip
    finally:
        con.close()
    cells = register.cells(snapshot)
    published = {(t, row, column): text for t, _, row, column, text, _ in cells}
    exact = {(t, row, column): n for t, _, row, column, _, n in cells if n is not None}
    number = len(earlier or []) + 1
    return Release(number, period, snapshot.as_at, dt.datetime(2026, 1, number), THRESHOLD,
                   None, published, exact)  # fmt: skip


def test_outcomes_decided_a_year_beside_its_quarters(decided_later):
    """The quarters released from the early extract, the year from the later one: suppressed
    alone, the year's 20 dismissals decided less its quarters' 0 + 6 + 6 + 6 give the 2 late
    ones; released through the register, the year is suppressed against its quarters."""
    quarters = [PublicPeriod(2024, q) for q in (1, 2, 3, 4)]
    year = PublicPeriod(2024)
    alone = [release_of(decided_later["early"], q, None) for q in quarters]
    alone.append(release_of(decided_later["later"], year, None))
    jointly: list[Release] = []
    for quarter in quarters:
        jointly.append(release_of(decided_later["early"], quarter, list(jointly)))
    jointly.append(release_of(decided_later["later"], year, list(jointly)))

    def counts(release: Release) -> dict:
        return {cell: release.published[cell] for cell in release.exact}

    dismissals = ("outcomes_decided", "dismissals", "decided")
    assert [r.published[dismissals] for r in alone] == ["0", "6", "6", "6", "20"]
    before = attack([(r.period.key, counts(r)) for r in alone], THRESHOLD)
    assert ((4, "quarters", dismissals), LATE) in before["changes"]  # the late 2, worked out
    after = attack([(r.period.key, counts(r)) for r in jointly], THRESHOLD)
    assert after["cells"] == [] and after["changes"] == []
    assert jointly[-1].published[dismissals] == C  # the year's, hidden against its quarters'
    assert jointly[-1].exact[dismissals] == len(DISMISSED_IN)


def test_no_public_file_names_a_day(sparse, year_beside_quarters):
    """Neither the period's ends nor the as-at date as days: months only (the officer figures'
    own reference date, 31 March 2025, is published reference data, not a date of a report)."""
    root = year_beside_quarters["root"]
    con = duckdb.connect(str(ledger_path(sparse)), read_only=True)
    try:
        as_at = con.execute("select max(as_at_date) from releases").fetchone()[0]
    finally:
        con.close()
    days = [
        "1 April 2024",
        "1 Apr 2024",
        "2024-04-01",
        "2025-03-31",
        "31 March 2025 (both",
        "to 31 Mar",
        str(as_at),
        f"{as_at.day} {as_at:%B %Y}",
        f"{as_at.day} {as_at:%b %Y}",
    ]
    for name in ("README.md", "metadata.json", "snapshot.html"):
        text = (root / "released_2024" / name).read_text(encoding="utf-8")
        assert "April 2024 to March 2025" in text or name == "metadata.json"
        for day in days:
            assert day not in text, (name, day)


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> dict:
    """FY 2024/25 from data as at 30 Sep 2025 with some records still to come, and the same
    year from the same extract a month later."""
    root = tmp_path_factory.mktemp("refreshed")
    early = database(root, "early", cut=dt.date(2025, 9, 30), held_back=0.04)
    later = database(root, "later", cut=dt.date(2025, 10, 31))
    return {"root": root, "early": early, "later": later}


def test_two_refreshes_a_month_apart_are_one_release(refreshed):
    root = refreshed["root"]
    early = read_release(run(refreshed["early"], "snapshot", root / "early", "--public",
                             "--year", "2024"))  # fmt: skip
    later = read_release(run(refreshed["later"], "snapshot", root / "later", "--public",
                             "--year", "2024"))  # fmt: skip
    before = attack([("fy2024", early), ("fy2024", later)], THRESHOLD)
    print(f"two refreshes: changes of 1 to 4 pinned {len(before['changes'])}")
    assert before["changes"]  # what a live public page refreshed a month later gave away
    # released once: a month later the register refuses a second release of the year
    db_path = refreshed["early"]
    run(db_path, "publish", root / "released", "--year", "2024")
    import_extract(sparse_extract(root / "later_again", cut=dt.date(2025, 10, 31)), db_path)
    result = oversight("publish", "--db", str(db_path), "--out", str(root / "refused"),
                       "--year", "2024")  # fmt: skip
    assert result.returncode == 1 and "released once" in result.stderr


def test_a_revision_at_the_annual_point_is_audited_against_every_release(tmp_path):
    """Quarters and year released from data as at 30 Sep 2025; the year revised from data as
    at 31 Jul 2026 (past the revision point of 30 Jun 2026), late records included."""
    db_path = database(tmp_path, "revised", cut=dt.date(2025, 9, 30), held_back=0.04)
    periods = [*QUARTERS_2024, "2024"]
    released = [
        (period_key(p), read_release(run(db_path, "publish", tmp_path / p, *period_args(p))))
        for p in periods
    ]
    import_extract(sparse_extract(tmp_path / "full"), db_path)
    revised_dir = run(db_path, "publish", tmp_path / "revised", "--year", "2024", "--revise")
    revised = read_release(revised_dir)
    after = attack([*released, ("fy2024", revised)], THRESHOLD)
    # the same revision suppressed alone, as the --previous revisions table did
    alone = read_release(run(db_path, "snapshot", tmp_path / "alone", "--public", "--year",
                             "2024"))  # fmt: skip
    assert alone == revised  # the preview is audited against the register too
    print(f"revision: pinned cells {len(after['cells'])}, changes {len(after['changes'])}")
    assert after["cells"] == [] and after["changes"] == []
    # the revisions listed are changes that pass the audit: none of 1 to 4 between shown cells
    meta = json.loads((revised_dir / "metadata.json").read_text(encoding="utf-8"))
    assert meta["revisions"], "late records and new outcomes must change something"
    for change in meta["revisions"]:
        cell = (change["table"], change["row"], change["column"])
        if cell in revised and C not in (change["old"], change["new"]) and change["old"]:
            assert not 1 <= abs(int(change["new"]) - int(change["old"])) < THRESHOLD, change
    cover = (revised_dir / "README.md").read_text(encoding="utf-8")
    assert "figures changed since the earlier snapshot" in cover


def _released_periods(db_path: Path) -> list[str]:
    if not ledger_path(db_path).exists():
        return []
    with duckdb.connect(str(ledger_path(db_path)), read_only=True) as con:
        return [row[0] for row in con.execute("select period_key from releases").fetchall()]


def test_a_release_whose_files_cannot_be_written_is_not_recorded(tmp_path):
    """The period stays unreleased (it can be released once only), so a mistyped folder
    costs nothing."""
    db_path = database(tmp_path, "unwritable")
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder")
    result = oversight("publish", "--db", str(db_path), "--out", str(blocked / "release"),
                       "--year", "2024")  # fmt: skip
    assert result.returncode == 1 and "Nothing released" in result.stderr
    assert _released_periods(db_path) == []
    run(db_path, "publish", tmp_path / "release", "--year", "2024")
    assert _released_periods(db_path) == ["fy2024"]


def test_no_release_of_a_period_before_the_data(tmp_path):
    db_path = database(tmp_path, "early")
    result = oversight("publish", "--db", str(db_path), "--out", str(tmp_path / "r"),
                       "--year", "2019")  # fmt: skip
    assert result.returncode == 1 and "before the first stored report" in result.stderr
    assert _released_periods(db_path) == []


def test_a_lower_threshold_after_a_release_is_refused(tmp_path):
    """A year released at 5 beside its quarters at 2 would show a hidden count of the year as
    the sum of the quarters' (an independent reviewer pinned one so)."""
    db_path = database(tmp_path, "thresholds")
    run(db_path, "publish", tmp_path / "year", "--year", "2024")
    env = os.environ | {"OVERSIGHT_DISCLOSURE_THRESHOLD": "2"}
    for command in ("publish", "snapshot"):
        args = ["--public"] if command == "snapshot" else []
        result = oversight(command, "--db", str(db_path), "--out", str(tmp_path / command),
                           *args, "--quarter", "2024-1", env=env)  # fmt: skip
        assert result.returncode == 1 and "threshold of 5" in result.stderr
    assert _released_periods(db_path) == ["fy2024"]


def test_a_database_reached_through_a_link_has_the_same_register(tmp_path):
    """Another spelling of the path must not start an empty register (and a second release)."""
    db_path = database(tmp_path, "linked")
    run(db_path, "publish", tmp_path / "year", "--year", "2024")
    link = tmp_path / "link.duckdb"
    link.symlink_to(db_path)
    result = oversight("publish", "--db", str(link), "--out", str(tmp_path / "again"),
                       "--year", "2024")  # fmt: skip
    assert result.returncode == 1 and "released once" in result.stderr
    assert ledger_path(link) == ledger_path(db_path)
