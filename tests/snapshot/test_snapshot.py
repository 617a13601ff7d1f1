"""The snapshot command end to end: files, metadata, reproducibility, disclosure control of the
public snapshot against the internal one, revisions, and exports that cannot run formulas."""

import csv
import datetime as dt
import hashlib
import io
import json
import math
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from oversight.db import connect_read_only
from oversight.ingest import import_extract
from oversight.snapshot.build import build_snapshot, previous_period
from oversight.snapshot.model import SUPPRESSED, TABLES
from oversight.snapshot.write import snapshot_zip, table_text
from tests.system.test_cli import oversight

FY = ("--from", "2024-04-01", "--to", "2025-03-31")
CSV_FILES = [f"{spec.name}.csv" for spec in TABLES]
# Each column of a by-force or by-month table adds up to this headline count.
COLUMN_TOTALS = {
    ("reports_by_force", "reports"): "reports",
    ("outcomes_by_force", "referrals"): "referrals",
    ("outcomes_by_force", "investigations"): "investigations",
    ("outcomes_by_force", "case_to_answer"): "case_to_answer",
    ("outcomes_by_force", "dismissals"): "dismissals",
    ("outcomes_by_force", "would_have_been_dismissed"): "would_have_been_dismissed",
}
# The outcomes decided in the period (the event view): each by-force column adds up to its row
# of outcomes_decided.
DECIDED = ("case_to_answer", "false_allegations", "dismissals", "would_have_been_dismissed",
           "barred", "criminal_charges")  # fmt: skip
COUNT_COLUMNS = {
    "headline": ["value"],
    "reports_by_force": ["reports"],
    "reports_by_category": ["reports"],
    "reports_by_month": ["reports"],
    "outcomes_by_force": [
        "referrals",
        "investigations",
        "case_to_answer",
        "dismissals",
        "would_have_been_dismissed",
    ],  # fmt: skip
    "timeliness": ["cases"],
    "outcomes_decided": ["decided"],
    "outcomes_decided_by_force": list(DECIDED),
}


def read_tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {
        spec.name: pd.read_csv(folder / f"{spec.name}.csv", dtype=str, keep_default_na=False)
        for spec in TABLES
    }


@pytest.fixture(scope="module")
def snapshots(demo_database, tmp_path_factory) -> dict[str, Path]:
    """Internal snapshots of FY 2024/25 and of everything, public ones of FY 2024/25, FY 2025/26
    and its first quarter (previews: the register stays empty), written by the command."""
    root = tmp_path_factory.mktemp("snapshots")
    made = {}
    for name, args in {
        "internal": ["--from", "2024-04-01", "--to", "2025-03-31"],
        "public": ["--year", "2024", "--public"],
        "internal_all": [],
        "public_2025": ["--year", "2025", "--public"],
        "internal_again": ["--from", "2024-04-01", "--to", "2025-03-31"],
        "internal_2025": ["--year", "2025"],
        "public_quarter": ["--quarter", "2025-1", "--public"],
    }.items():
        result = oversight("snapshot", "--db", str(demo_database), "--out", str(root / name), *args)
        assert result.returncode == 0, result.stderr
        made[name] = root / name
    return made


def test_snapshot_has_help():
    result = oversight("snapshot", "--help")
    assert result.returncode == 0
    for option in ("--out", "--db", "--from", "--to", "--public", "--previous", "--year",
                   "--quarter"):  # fmt: skip
        assert option in result.stdout


def test_every_file_is_written_and_listed_with_its_hash(snapshots):
    folder = snapshots["public"]
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [*CSV_FILES, "README.md", "metadata.json", "snapshot.xlsx", "snapshot.html"]
    )
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    # months only in public
    assert meta["period"]["first_month"] == "2024-04"
    assert meta["period"]["last_month"] == "2025-03"
    assert meta["period"]["name"] == "Financial year 2024/25"
    assert meta["as_at_month"] == "2026-10" and "as_at_date" not in meta
    assert meta["public"] is True and meta["synthetic_data"] is True
    assert meta["disclosure_control"]["threshold"] == 5 and meta["disclosure_control"]["rules"]
    assert meta["software"]["version"]
    assert meta["generated_at"]
    assert set(meta["files"]) == {n for n in names if n != "metadata.json"}
    assert meta["sources"] == []  # extract names and row counts are internal detail
    internal = json.loads((snapshots["internal"] / "metadata.json").read_text(encoding="utf-8"))
    assert [s["table"] for s in internal["sources"]] == ["reports", "referrals", "outcomes"]
    for name, digest in meta["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def test_columns_and_rows_are_those_of_metrics_md(snapshots, demo):
    tables = read_tables(snapshots["internal"])
    for spec in TABLES:
        with open(snapshots["internal"] / f"{spec.name}.csv", encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == list(spec.columns)
    forces = list(demo["forces"]["force_code"])
    assert tables["reports_by_force"]["force_code"].tolist() == [*forces, "unknown"]
    assert tables["reports_by_category"]["category"].tolist() == [
        "corrupt_exchange", "abuse_of_position", "sexual_misconduct", "domestic_abuse",
        "discrimination", "other",
    ]  # fmt: skip
    months = tables["reports_by_month"]
    assert len(months) == 24 and months["month"].iloc[0] == "2024-04"
    assert months["month"].iloc[-1] == "2025-03"
    assert months["channel"].tolist()[:2] == ["phone", "online"]
    received = set(tables["outcomes_by_force"]["force_code"])
    assert received <= set(forces)
    assert all(int(v) > 0 for v in tables["outcomes_by_force"]["referrals"])
    # rates and officer-years to exactly 2 decimal places, empty where there is no officer
    # figure
    by_force = tables["reports_by_force"].set_index("force_code")
    for column in ("officer_years", "reports_per_1000_officers_a_year"):
        assert by_force.loc["unknown", column] == ""
        assert all(len(r.split(".")[1]) == 2 for r in by_force[column].drop("unknown") if r)


def test_a_public_snapshot_is_of_a_fixed_period_only(demo_database, tmp_path):
    """No public snapshot of chosen dates, of everything stored, or of a part year: only a
    financial year or one of its quarters, once it has ended and 3 months more have passed."""
    refusals = {
        ("--public",): "financial year",
        ("--public", "--from", "2024-04-01", "--to", "2025-03-30"): "financial year",
        ("--public", "--to", "2025-03-31"): "financial year",
        ("--public", "--year", "2024", "--from", "2024-04-01"): "financial year",
        # the data runs to 31 Oct 2026: 2026/27 quarter 2 ended on 30 Sep 2026, too recent
        ("--public", "--quarter", "2026-2"): "December 2026",
        ("--public", "--year", "2026"): "June 2027",
    }
    for i, (args, words) in enumerate(refusals.items()):
        out = tmp_path / f"refused{i}"
        result = oversight("snapshot", "--db", str(demo_database), "--out", str(out), *args)
        assert result.returncode == 1 and words in result.stderr, (args, result.stderr)
        assert not out.exists()
    malformed = (("--quarter", "2025-5"), ("--year", "25"),
                 ("--quarter", "2025-1", "--year", "2025"))  # fmt: skip
    for args in malformed:
        result = oversight("snapshot", "--db", str(demo_database), "--out", str(tmp_path / "x"),
                           "--public", *args)  # fmt: skip
        assert result.returncode == 2, args
    # the last quarter the data allows: 2026/27 quarter 1 (April to June 2026), 3 months on
    result = oversight("snapshot", "--db", str(demo_database), "--out", str(tmp_path / "q"),
                       "--public", "--quarter", "2026-1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "nothing was recorded" in result.stdout
    assert not (demo_database.parent / "demo.ledger.duckdb").exists()


def test_an_internal_snapshot_keeps_every_period_option(snapshots, demo_database, tmp_path):
    internal = json.loads((snapshots["internal_all"] / "metadata.json").read_text("utf-8"))
    assert internal["period"]["first_date"] == "2022-11-29"
    assert internal["period"]["last_date"] == "2026-10-31"
    result = oversight("snapshot", "--db", str(demo_database), "--out", str(tmp_path / "q"),
                       "--quarter", "2026-2")  # fmt: skip
    assert result.returncode == 0, result.stderr
    meta = json.loads((tmp_path / "q" / "metadata.json").read_text("utf-8"))
    assert meta["period"]["first_date"] == "2026-07-01"
    assert meta["period"]["last_date"] == "2026-09-30"


def test_two_runs_give_byte_identical_tables(snapshots):
    for name in CSV_FILES:
        first = (snapshots["internal"] / name).read_bytes()
        assert first == (snapshots["internal_again"] / name).read_bytes(), name


def test_public_snapshot_hides_every_small_count(snapshots):
    for name in ("public", "public_2025"):
        tables = read_tables(snapshots[name])
        for table, columns in COUNT_COLUMNS.items():
            for column in columns:
                for value in tables[table][column]:
                    assert value == SUPPRESSED or not 1 <= int(value) <= 4, (table, column, value)


def test_public_cells_equal_the_internal_ones(snapshots):
    for public, internal in (("public", "internal"), ("public_2025", "internal_2025")):
        shown, exact = read_tables(snapshots[public]), read_tables(snapshots[internal])
        suppressed = 0
        for spec in TABLES:
            assert shown[spec.name].shape == exact[spec.name].shape
            same = shown[spec.name] == exact[spec.name]
            hidden = shown[spec.name] == SUPPRESSED
            assert (same | hidden).all().all(), spec.name
            suppressed += int(hidden.to_numpy().sum())
        assert suppressed > 0  # the demo has small counts: the test exercises suppression


def test_no_suppressed_cell_is_alone_in_a_column_with_a_total(snapshots):
    for name in ("public", "public_2025"):
        tables = read_tables(snapshots[name])
        headline = tables["headline"].set_index("measure")["value"]
        for (table, column), total in COLUMN_TOTALS.items():
            cells = [*tables[table][column], headline[total]]
            assert sum(cell == SUPPRESSED for cell in cells) != 1, (name, table, column)
        months = tables["reports_by_month"]
        for channel in ("phone", "online"):
            cells = [*months.loc[months["channel"] == channel, "reports"],
                     headline[f"reports_{channel}"]]  # fmt: skip
            assert sum(cell == SUPPRESSED for cell in cells) != 1, (name, channel)
        parts = [headline["reports_phone"], headline["reports_online"], headline["reports"]]
        assert sum(cell == SUPPRESSED for cell in parts) != 1
        decided = tables["outcomes_decided"].set_index("measure")["decided"]
        for column in DECIDED:
            cells = [*tables["outcomes_decided_by_force"][column], decided[column]]
            assert sum(cell == SUPPRESSED for cell in cells) != 1, (name, column)


def test_the_outcomes_decided_are_suppressed_like_the_rest(snapshots):
    """The event view's small counts and the days over fewer than 10 of them are [c], and its
    cells equal the internal snapshot's where shown; its forces add up to its totals."""
    hidden_somewhere = False
    for public, internal in (("public", "internal"), ("public_2025", "internal_2025")):
        shown, exact = read_tables(snapshots[public]), read_tables(snapshots[internal])
        by_force = exact["outcomes_decided_by_force"]
        totals = exact["outcomes_decided"].set_index("measure")["decided"].astype(int)
        for column in DECIDED:
            assert by_force[column].astype(int).sum() == totals[column]
        for row, counted in zip(
            shown["outcomes_decided"].itertuples(), exact["outcomes_decided"].itertuples(),
            strict=True,
        ):  # fmt: skip
            few = int(counted.decided) < 10
            for column in ("median_days", "p90_days"):
                value = getattr(row, column)
                if few or row.decided == SUPPRESSED:
                    assert value in (SUPPRESSED, ""), (public, row.measure, column, value)
                else:
                    assert value == getattr(counted, column), (public, row.measure, column)
        hidden_somewhere |= (shown["outcomes_decided_by_force"] == SUPPRESSED).any().any()
    assert hidden_somewhere  # the demo has small counts by force: the test exercises them


def outcome_ranges(tables: dict[str, pd.DataFrame]) -> dict[tuple, tuple[float, float]]:
    """What an attacker can deduce of each hidden cell of outcomes_by_force and the headline:
    the least and greatest value a linear programme allows, given the published cells, the
    column totals, that a listed force received at least one referral, and that a part is
    never larger than its whole (investigations <= referrals, case to answer <= investigations,
    dismissals and would-have-been dismissals <= referrals)."""
    from scipy.optimize import linprog

    outcomes = tables["outcomes_by_force"].set_index("force_code")
    headline = tables["headline"].set_index("measure")["value"]
    columns = ["referrals", "investigations", "case_to_answer", "dismissals",
               "would_have_been_dismissed"]  # fmt: skip
    cells = {(f, c): outcomes.at[f, c] for f in outcomes.index for c in columns}
    cells |= {("headline", c): headline[c] for c in columns}
    hidden = [key for key, value in cells.items() if value == SUPPRESSED]
    index = {key: i for i, key in enumerate(hidden)}

    def term(key):  # (coefficient row, constant)
        row = [0.0] * len(hidden)
        if key in index:
            row[index[key]] = 1.0
            return row, 0.0
        return row, float(cells[key])

    equalities, equal_to, limits, limited_by = [], [], [], []
    for column in columns:
        row, constant = [0.0] * len(hidden), 0.0
        for force in outcomes.index:
            part, value = term((force, column))
            row = [a + b for a, b in zip(row, part, strict=True)]
            constant += value
        whole, value = term(("headline", column))
        equalities.append([a - b for a, b in zip(row, whole, strict=True)])
        equal_to.append(value - constant)
    pairs = [("investigations", "referrals"), ("case_to_answer", "investigations"),
             ("dismissals", "referrals"), ("would_have_been_dismissed", "referrals")]  # fmt: skip
    for force in outcomes.index:
        for part, whole in pairs:
            small, small_value = term((force, part))
            large, large_value = term((force, whole))
            limits.append([a - b for a, b in zip(small, large, strict=True)])
            limited_by.append(large_value - small_value)
    bounds = [(1 if key[0] != "headline" and key[1] == "referrals" else 0, None) for key in hidden]
    ranges = {}
    for key, i in index.items():
        objective = [0.0] * len(hidden)
        found = []
        for sign in (1, -1):
            objective[i] = sign
            result = linprog(
                objective, A_ub=limits or None, b_ub=limited_by or None, A_eq=equalities,
                b_eq=equal_to, bounds=bounds, method="highs",
            )  # fmt: skip
            found.append(sign * result.fun if result.status == 0 else float("inf"))
        ranges[key] = (found[0], found[1])
    return ranges


def test_no_hidden_outcome_can_be_deduced_from_what_the_public_knows(snapshots):
    for name in ("public", "public_2025", "public_quarter"):
        ranges = outcome_ranges(read_tables(snapshots[name]))
        assert ranges, name  # the demo has small outcome counts: the check has work to do
        for key, (low, high) in ranges.items():
            whole_numbers = math.floor(high + 1e-7) - math.ceil(low - 1e-7) + 1
            assert whole_numbers >= 2, (name, key, low, high)


def test_rates_with_a_suppressed_count_are_suppressed(snapshots):
    by_force = read_tables(snapshots["public"])["reports_by_force"]
    hidden = by_force["reports"] == SUPPRESSED
    rates = by_force.loc[hidden, "reports_per_1000_officers_a_year"]
    assert (rates.isin([SUPPRESSED, ""])).all()
    # officer-years are not a count of people: never suppressed
    assert SUPPRESSED not in set(by_force["officer_years"])


def test_cover_note_states_what_metrics_md_asks(snapshots):
    public = (snapshots["public"] / "README.md").read_text(encoding="utf-8")
    for words in ("April 2024 to March 2025", "As at: October 2026",
                  "experimental statistics", "[c]", "first release of this period",
                  "Synthetic demonstration data"):  # fmt: skip
        assert words in public, words
    internal = (snapshots["internal"] / "README.md").read_text(encoding="utf-8")
    assert "not for publication" in internal


def test_an_existing_folder_is_not_overwritten(snapshots, demo_database):
    before = {p.name: p.read_bytes() for p in snapshots["internal"].iterdir()}
    result = oversight("snapshot", "--db", str(demo_database), "--out", str(snapshots["internal"]))
    assert result.returncode == 1
    assert "not empty" in result.stderr
    assert {p.name: p.read_bytes() for p in snapshots["internal"].iterdir()} == before


def test_bad_dates_and_missing_database_are_refused(tmp_path, demo_database):
    result = oversight("snapshot", "--db", str(demo_database), "--out", str(tmp_path / "x"),
                       "--from", "2025-13-01")  # fmt: skip
    assert result.returncode == 2 and "not a date" in result.stderr
    result = oversight("snapshot", "--db", str(demo_database), "--out", str(tmp_path / "y"),
                       "--from", "2025-03-01", "--to", "2025-01-01")  # fmt: skip
    assert result.returncode == 1 and "after it ends" in result.stderr
    result = oversight("snapshot", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path))
    assert result.returncode == 1
    result = oversight("snapshot", "--db", str(demo_database), "--out", "/proc/no/such/folder")
    assert result.returncode == 1 and "cannot write to /proc/no/such/folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def revised_extract(demo_files, folder: Path) -> list[Path]:
    """The demo extract with one more report received in FY 2024/25 (online, Kent)."""
    folder.mkdir()
    reports = (demo_files["reports"]).read_text(encoding="utf-8")
    extra = "ZZ-NEW-1,2024-06-15T10:00:00,online,other,kent,officer,false,,,,\n"
    (folder / "reports.csv").write_text(reports + extra, encoding="utf-8")
    for name in ("referrals", "outcomes"):
        (folder / f"{name}.csv").write_bytes(demo_files[name].read_bytes())
    return [folder / f"{name}.csv" for name in ("reports", "referrals", "outcomes")]


def test_revisions_list_every_changed_figure(snapshots, demo_files, tmp_path):
    db_path = tmp_path / "revised.duckdb"
    import_extract(revised_extract(demo_files, tmp_path / "extract"), db_path, synthetic=True)
    out = tmp_path / "revised"
    result = oversight("snapshot", "--db", str(db_path), "--out", str(out), *FY,
                       "--previous", str(snapshots["internal"]))  # fmt: skip
    assert result.returncode == 0, result.stderr
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    changed = {(r["table"], r["row"], r["column"]): (r["old"], r["new"]) for r in meta["revisions"]}
    old = read_tables(snapshots["internal"])
    headline = old["headline"].set_index("measure")["value"]
    kent = old["reports_by_force"].set_index("force_code").loc["kent"]
    june = old["reports_by_month"].set_index(["month", "channel"]).loc[("2024-06", "online")]
    other = old["reports_by_category"].set_index("category").loc["other", "reports"]

    def plus_one(text: str) -> str:
        return str(int(text) + 1)

    expected = {
        ("headline", "reports", "value"): (headline["reports"], plus_one(headline["reports"])),
        ("headline", "reports_online", "value"): (
            headline["reports_online"],
            plus_one(headline["reports_online"]),
        ),
        ("reports_by_force", "kent", "reports"): (kent["reports"], plus_one(kent["reports"])),
        ("reports_by_category", "other", "reports"): (other, plus_one(other)),
        ("reports_by_month", "2024-06/online", "reports"): (
            june["reports"],
            plus_one(june["reports"]),
        ),
    }
    # Kent was in the service on all 365 days of the financial year
    officer_years = float(kent["officer_fte"]) * 365 / 365.25
    new_rate = f"{(int(kent['reports']) + 1) / officer_years * 1000:.2f}"
    if new_rate != kent["reports_per_1000_officers_a_year"]:
        expected[("reports_by_force", "kent", "reports_per_1000_officers_a_year")] = (
            kent["reports_per_1000_officers_a_year"],
            new_rate,
        )
    # the extra report is anonymous = false and has no referral: nothing else changes
    assert changed == expected
    cover = (out / "README.md").read_text(encoding="utf-8")
    assert f"{len(expected)} figures changed" in cover
    assert f"| headline | reports | value | {headline['reports']} |" in cover


def test_revisions_compare_like_with_like(snapshots, demo_database, tmp_path):
    result = oversight("snapshot", "--db", str(demo_database), "--out", str(tmp_path / "a"),
                       "--public", "--year", "2024",
                       "--previous", str(snapshots["internal"]))  # fmt: skip
    assert result.returncode == 1 and "--previous is for internal snapshots" in result.stderr
    result = oversight("snapshot", "--db", str(demo_database), "--out", str(tmp_path / "b"),
                       "--previous", str(snapshots["internal"]))  # fmt: skip
    assert result.returncode == 1 and "same period" in result.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_previous_period_of_whole_months_is_whole_months():
    from oversight.filters import Filters

    def before(first, last):
        period = previous_period(Filters(pd.Timestamp(first).date(), pd.Timestamp(last).date()))
        return str(period.first_date), str(period.last_date)

    assert before("2024-04-01", "2025-03-31") == ("2023-04-01", "2024-03-31")
    assert before("2025-04-01", "2026-03-31") == ("2024-04-01", "2025-03-31")
    assert before("2025-01-01", "2025-03-31") == ("2024-10-01", "2024-12-31")
    assert before("2025-02-01", "2025-02-28") == ("2025-01-01", "2025-01-31")
    assert before("2025-01-10", "2025-01-19") == ("2024-12-31", "2025-01-09")


FORMULA_ID = '=HYPERLINK("http://x","y")'


def test_a_formula_in_the_extract_stays_inert_in_every_export(tmp_path):
    extract = tmp_path / "extract"
    extract.mkdir()
    (extract / "reports.csv").write_text(
        "report_id,received_at,channel,categories,subject_force,subject_role,anonymous\n"
        f'"{FORMULA_ID.replace(chr(34), chr(34) * 2)}",2025-05-01,online,other,kent,officer,false\n'
        "R2,2025-05-02,phone,other,kent,officer,false\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "formula.duckdb"
    import_extract([extract / "reports.csv"], db_path)
    con = connect_read_only(db_path)
    try:
        for public in (False, True):
            archive = zipfile.ZipFile(io.BytesIO(snapshot_zip(build_snapshot(con, public=public))))
            for name in archive.namelist():
                data = archive.read(name)
                if name.endswith(".csv"):
                    for row in csv.reader(io.StringIO(data.decode("utf-8"))):
                        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row)
                if name.endswith(".xlsx"):
                    book = openpyxl.load_workbook(io.BytesIO(data))
                    for sheet in book.worksheets:
                        for row in sheet.iter_rows():
                            assert not any(cell.data_type == "f" for cell in row), sheet.title
                # ids are never published: the report id appears in no file at all
                assert b"HYPERLINK" not in data, name
    finally:
        con.close()


def test_a_sparse_extract_leaks_nothing_through_known_bounds(tmp_path):
    """Kent and Essex each received 1 referral, Sussex 10: a listed force received at least
    one, so hiding only the two 1s would give them away (12 - 10 = 2 shared by two rows
    that are each at least 1). Within Sussex, investigations <= referrals ties its cells."""
    extract = tmp_path / "extract"
    extract.mkdir()
    forces = ["kent", "essex"] + ["sussex"] * 10
    reports = ["report_id,received_at,channel,categories,subject_force,subject_role,anonymous"]
    referrals = ["referral_id,report_id,force,referred_at,assessment,assessed_at"]
    for i, force in enumerate(forces, start=1):
        reports.append(f"R{i},2025-05-{i:02d},online,other,{force},officer,false")
        assessment = "investigation" if i % 3 else "no_further_action"
        referrals.append(f"F{i},R{i},{force},2025-06-{i:02d},{assessment},2025-06-{i + 1:02d}")
    (extract / "reports.csv").write_text("\n".join(reports) + "\n", encoding="utf-8")
    (extract / "referrals.csv").write_text("\n".join(referrals) + "\n", encoding="utf-8")
    db_path = tmp_path / "sparse.duckdb"
    import_extract([extract / "reports.csv", extract / "referrals.csv"], db_path)
    con = connect_read_only(db_path)
    try:
        snapshot = build_snapshot(con, public=True)
    finally:
        con.close()
    tables = {spec.name: table_text(snapshot.tables[spec.name], spec) for spec in TABLES}
    outcomes = tables["outcomes_by_force"].set_index("force_code")
    assert outcomes.loc["kent", "referrals"] == outcomes.loc["essex", "referrals"] == SUPPRESSED
    ranges = outcome_ranges(tables)
    for key, (low, high) in ranges.items():
        assert math.floor(high + 1e-7) - math.ceil(low - 1e-7) + 1 >= 2, (key, low, high)


@pytest.mark.parametrize("name", ["public", "internal_2025"])
def test_the_zip_holds_the_command_lines_files(snapshots, demo_database, name):
    """The Publish page's zip and the command line: one code path, the same tables byte for
    byte, the same cover note and metadata but for when they were written."""
    from oversight.snapshot.periods import PublicPeriod
    from oversight.snapshot.release import prepare

    public = name == "public"
    con = connect_read_only(demo_database)
    try:
        snapshot = prepare(con, demo_database, public, PublicPeriod(2024 if public else 2025))
    finally:
        con.close()
    archive = zipfile.ZipFile(io.BytesIO(snapshot_zip(snapshot)))
    zipped = {Path(n).name: archive.read(n) for n in archive.namelist()}
    folder = snapshots[name]
    assert set(zipped) == {p.name for p in folder.iterdir()}
    for csv_name in CSV_FILES:
        assert zipped[csv_name] == (folder / csv_name).read_bytes(), csv_name

    def timeless(meta: dict) -> dict:
        stamped = ("README.md", "snapshot.xlsx", "snapshot.html")  # they say when, too
        files = {k: v for k, v in meta.pop("files").items() if k not in stamped}
        meta.pop("generated_at")
        return {**meta, "files": files}

    written = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert timeless(json.loads(zipped["metadata.json"])) == timeless(written)

    def untimed(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("- Generated")]

    cover = (folder / "README.md").read_text(encoding="utf-8")
    assert untimed(zipped["README.md"].decode("utf-8")) == untimed(cover)


def test_generated_at_is_when_the_files_are_written(demo_database):
    """Not when the (cached) snapshot was built."""
    built = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    con = connect_read_only(demo_database)
    try:
        snapshot = build_snapshot(con, now=built)
    finally:
        con.close()
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    archive = zipfile.ZipFile(io.BytesIO(snapshot_zip(snapshot)))
    meta = json.loads(next(archive.read(n) for n in archive.namelist() if n.endswith(".json")))
    written = dt.datetime.fromisoformat(meta["generated_at"])
    assert before <= written <= dt.datetime.now(dt.UTC)
