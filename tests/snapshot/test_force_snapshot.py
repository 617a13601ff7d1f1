"""A force's own internal snapshot (Kent, FY 2025/26, on the demo database): every figure is
Kent's alone, counted here by hand from the extract with pandas, and no table names another
force."""

import dataclasses
import datetime as dt
import functools
import io
import json
import zipfile

import pandas as pd
import pytest

from oversight.dashboard import FORCE_FREE_QUERIES
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from oversight.snapshot.build import SnapshotError, force_snapshot, previous_period
from oversight.snapshot.model import TABLE_NAMES
from oversight.snapshot.write import cover_note, snapshot_files, snapshot_zip, zip_name

FIRST, LAST = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def asked(demo_database):
    """Every query the snapshot ran, with its parameters, and the snapshot."""
    con = connect_read_only(demo_database)
    queries: list[tuple[str, dict]] = []

    def run(name, **params):
        queries.append((name, params))
        return run_query(con, name, **params)

    try:
        yield force_snapshot(run, ("kent",), FIRST, LAST, now=NOW), queries
    finally:
        con.close()


@pytest.fixture(scope="module")
def kent(asked):
    return asked[0]


def kent_reports(demo, first=FIRST, last=LAST) -> pd.DataFrame:
    reports = demo["reports"]
    in_period = reports["received_date"].between(pd.Timestamp(first), pd.Timestamp(last))
    return reports[in_period & reports["subject_force"].eq("kent")]


def kent_referrals(demo) -> pd.DataFrame:
    """Referrals Kent received, of every report received in the period (whoever it names)."""
    reports = demo["reports"]
    received = reports["received_date"].between(pd.Timestamp(FIRST), pd.Timestamp(LAST))
    in_period = reports.loc[received, "report_id"]
    referrals = demo["referrals"]
    return referrals[referrals["report_id"].isin(in_period) & referrals["force"].eq("kent")]


def headline(snapshot) -> dict:
    table = snapshot.tables["headline"]
    return dict(zip(table["measure"], table["value"], strict=True))


def test_the_headline_counts_kent_alone(kent, demo):
    reports = kent_reports(demo)
    figures = headline(kent)
    assert figures["reports"] == len(reports) > 0
    assert figures["reports_phone"] == int(reports["channel"].eq("phone").sum())
    assert figures["reports_online"] == int(reports["channel"].eq("online").sum())
    assert figures["anonymous_reports"] == int(reports["anonymous"].eq("true").sum())
    referrals = kent_referrals(demo)
    assert figures["referrals"] == len(referrals) > 0
    assert figures["investigations"] == int(referrals["assessment"].eq("investigation").sum())


def test_the_tables_by_category_and_month_count_kent_alone(kent, demo):
    reports = kent_reports(demo)
    by_category = reports["category_list"].explode().value_counts()
    table = kent.tables["reports_by_category"].set_index("category")["reports"]
    assert {c: int(n) for c, n in table.items() if n} == {c: int(n) for c, n in by_category.items()}

    months = kent.tables["reports_by_month"]
    assert sum(months["reports"]) == len(reports)
    by_month = reports.groupby([reports["received_date"].dt.strftime("%Y-%m"), "channel"]).size()
    shown = months.set_index(["month", "channel"])["reports"]
    assert {k: int(v) for k, v in shown.items() if v} == {k: int(v) for k, v in by_month.items()}


def test_the_tables_by_force_hold_kents_row_alone(kent, demo):
    by_force = kent.tables["reports_by_force"]
    assert by_force["force_code"].tolist() == ["kent"]  # no other force, no "Force not known"
    assert by_force["reports"].tolist() == [len(kent_reports(demo))]
    outcomes = kent.tables["outcomes_by_force"]
    assert outcomes["force_code"].tolist() == ["kent"]
    assert outcomes["referrals"].tolist() == [len(kent_referrals(demo))]


def test_no_table_names_another_force(kent, demo):
    forces = demo["forces"]
    others = set(forces["force_code"]) | set(forces["force_name"]) | set(forces["short_name"])
    others -= {"kent", "Kent Police", "Kent"}
    others |= {"unknown", "Force not known", "England and Wales"}
    for name in TABLE_NAMES:
        frame = kent.tables[name]
        cells = set(frame.astype(str).to_numpy().ravel())
        assert not cells & others, (name, cells & others)


def test_the_comparison_is_with_kent_in_the_year_before(kent, demo):
    assert (kent.previous_first_date, kent.previous_last_date) == (
        dt.date(2024, 4, 1),
        dt.date(2025, 3, 31),
    )
    before = kent.previous_headline.set_index("measure")["value"]
    year_before = kent_reports(demo, dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert before["reports"] == len(year_before) > 0


def test_every_query_reads_kent_only(asked):
    """So the dashboard's runner, which refuses a force user any query without its forces
    (dashboard.within_role), runs every one of them."""
    _, queries = asked
    for name, params in queries:
        if "forces" in params:
            assert list(params["forces"]) == ["kent"] and not params["regions"], name
        else:
            assert name in FORCE_FREE_QUERIES, name


def test_the_snapshot_says_whose_it_is_and_that_it_is_internal(kent):
    assert not kent.public and kent.exact is None
    assert kent.forces == ("kent",) and kent.whose == "Kent Police"
    note = cover_note(kent)
    assert note.startswith("# Kent Police: internal snapshot, reports received 01 April 2025")
    assert "Internal snapshot of Kent Police" in note and "not for publication" in note
    assert "It covers Kent Police only" in note and "no England and Wales totals" in note
    assert "--public" not in note  # a force makes no public snapshot
    assert zip_name(kent) == "oversight_snapshot_kent_2025-04-01_2026-03-31_internal"


def test_the_zip_holds_every_file_and_names_kent(kent):
    folder = zip_name(kent)
    with zipfile.ZipFile(io.BytesIO(snapshot_zip(kent, now=NOW))) as archive:
        names = set(archive.namelist())
        files = {name.removeprefix(f"{folder}/"): archive.read(name) for name in names}
    assert {f"{name}.csv" for name in TABLE_NAMES} <= set(files)
    assert {"README.md", "metadata.json", "snapshot.xlsx", "snapshot.html"} <= set(files)
    metadata = json.loads(files["metadata.json"])
    assert metadata["forces"] == [{"force_code": "kent", "force_name": "Kent Police"}]
    assert metadata["title"].startswith("Kent Police: internal snapshot")
    # the imported files' row counts are totals over every force
    assert metadata["sources"] == [] and metadata["public"] is False
    report = files["snapshot.html"].decode()
    assert "<h1>Kent Police: internal snapshot, " in report
    assert "England and Wales (" not in report  # no national rate line drawn from Kent alone


def test_the_same_snapshot_gives_the_same_files(kent):
    assert snapshot_files(kent, now=NOW)[1] == snapshot_files(kent, now=NOW)[1]


def test_the_period_before_keeps_the_forces():
    before = previous_period(Filters(FIRST, LAST, forces=("kent",)))
    assert (before.first_date, before.last_date, before.forces) == (
        dt.date(2024, 4, 1),
        dt.date(2025, 3, 31),
        ("kent",),
    )


def test_a_force_snapshot_needs_a_force_that_exists(demo_database):
    con = connect_read_only(demo_database)
    run = functools.partial(run_query, con)
    try:
        with pytest.raises(SnapshotError, match="at least one force"):
            force_snapshot(run, (), FIRST, LAST)
        with pytest.raises(SnapshotError, match="no_such_force"):
            force_snapshot(run, ("no_such_force",), FIRST, LAST)
    finally:
        con.close()


def test_a_snapshot_of_several_forces_names_them_all(kent):
    both = dataclasses.replace(kent, forces=("kent", "essex"),
                               force_names=("Kent Police", "Essex Police"))  # fmt: skip
    assert both.whose == "Kent Police and Essex Police"
    three = dataclasses.replace(both, force_names=("A", "B", "C"))
    assert three.whose == "A, B and C"
    assert zip_name(both) == "oversight_snapshot_kent_essex_2025-04-01_2026-03-31_internal"
