"""The static site (python -m oversight site), read back as a visitor's browser would get it and
checked against what was released, independently of the site's code: each cell shown on a
force's page against the released CSV (read with pandas), each download against the register's
file byte for byte, every link against the folder, and no script, no other site, no unreleased
period anywhere."""

import datetime as dt
import re
import shutil
import urllib.parse
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath

import duckdb
import pandas as pd
import pytest

from oversight.ingest import import_extract
from oversight.ledger import ledger_path
from oversight.settings import FORCES_CSV, PEER_GROUPS_CSV
from tests.site.parsed import Page
from tests.snapshot.attack import sparse_extract
from tests.system.test_cli import oversight

EW = "England and Wales"
EVERY = "Every force in the service"


def run(*args: str) -> None:
    result = oversight(*args)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def demo_site(demo_database, tmp_path_factory) -> dict:
    """The demo with FY 2023/24 and 2024/25 released (nothing else), and its site."""
    root = tmp_path_factory.mktemp("demo_site")
    db_path = root / "demo.duckdb"
    shutil.copy(demo_database, db_path)
    for year in ("2023", "2024"):
        run("publish", "--db", str(db_path), "--out", str(root / f"released_{year}"),
            "--year", year)  # fmt: skip
    run("site", "--db", str(db_path), "--out", str(root / "site"))
    return {"db": db_path, "site": root / "site", "root": root}


@pytest.fixture(scope="module")
def revised_site(tmp_path_factory) -> dict:
    """Real (not synthetic) data thin enough for many [c]: FY 2024/25 released from data as
    at 30 Sep 2025, then revised from data as at 31 Jul 2026 with late records."""
    root = tmp_path_factory.mktemp("revised_site")
    db_path = root / "sparse.duckdb"
    import_extract(sparse_extract(root / "cut", cut=dt.date(2025, 9, 30), held_back=0.04), db_path)
    run("publish", "--db", str(db_path), "--out", str(root / "first"), "--year", "2024")
    import_extract(sparse_extract(root / "full"), db_path)
    run("publish", "--db", str(db_path), "--out", str(root / "revised"), "--year", "2024",
        "--revise")  # fmt: skip
    run("site", "--db", str(db_path), "--out", str(root / "site"))
    return {"db": db_path, "site": root / "site", "root": root}


def pages(site: Path) -> dict[Path, str]:
    """Every page of the site (the released files aside)."""
    return {
        path: path.read_text(encoding="utf-8")
        for path in sorted(site.rglob("*.html"))
        if "files" not in path.relative_to(site).parts
    }


def released_csv(site: Path, key: str, name: str) -> pd.DataFrame:
    return pd.read_csv(site / key / "files" / f"{name}.csv", dtype=str, keep_default_na=False)


# --- a cell as a person reads it, worked out here from the CSV's text ---------------------


def rounded(text: str, places: int) -> str:
    number = Decimal(text).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{number:,}"


def shown(text: str, places: int = 0) -> str:
    """A released CSV cell as a page shows it: [c] as it is, empty as –, thousands separators,
    so many decimal places (halves up)."""
    if text == "[c]":
        return "[c]"
    if text == "":
        return "–"
    return rounded(text, places)


def short_names() -> dict[str, str]:
    forces = pd.read_csv(FORCES_CSV, dtype=str)
    return dict(zip(forces["short_name"], forces["force_code"], strict=True))


def check_force_page(site: Path, key: str, code: str) -> int:
    """Compare every released cell on the force's page with the CSV; how many were compared."""
    page = Page((site / key / "forces" / f"{code}.html").read_text(encoding="utf-8"))
    codes = short_names()
    by_force = released_csv(site, key, "reports_by_force").set_index("force_code")
    outcomes = released_csv(site, key, "outcomes_by_force").set_index("force_code")
    headline = released_csv(site, key, "headline").set_index("measure")["value"]
    compared = 0

    rates = page.table("Reports per 1,000 officers a year")
    assert rates.rows[0][0] == next(n for n, c in codes.items() if c == code)
    assert rates.rows[1][0] == EW
    # then its most similar forces, most similar first (those in the release)
    peers = pd.read_csv(PEER_GROUPS_CSV, dtype={"rank": int})
    peers = peers[peers["force_code"] == code].sort_values("rank")["peer_code"]
    assert [codes[row[0]] for row in rates.rows[2:]] == [p for p in peers if p in by_force.index]
    for row in rates.rows:
        if row[0] == EW:
            continue
        released = by_force.loc[codes[row[0]]]
        assert row[1:] == [
            shown(released["reports_per_1000_officers_a_year"], 1),
            shown(released["reports"]),
            shown(released["officer_fte"]),
        ], (key, code, row)
        compared += 3

    counts = ["referrals", "investigations", "case_to_answer", "dismissals",
              "would_have_been_dismissed"]  # fmt: skip
    table = page.table("Referrals and outcomes so far")
    assert table.rows[0][0] == rates.rows[0][0] and table.rows[1][0] == EVERY
    for row in table.rows:
        if row[0] == EVERY:
            expected = [shown(headline[c]) for c in counts]
        elif codes[row[0]] in outcomes.index:
            expected = [shown(outcomes.loc[codes[row[0]], c]) for c in counts]
        else:  # a force that received no referral is not in the table: none
            expected = ["0"] * len(counts)
        assert row[1:] == expected, (key, code, row)
        compared += len(counts)

    decided_by_force = released_csv(site, key, "outcomes_decided_by_force")
    decided = released_csv(site, key, "outcomes_decided").set_index("measure")["decided"]
    table = next(t for t in page.tables if t.name.startswith("Outcomes decided"))
    measures = list(decided_by_force.columns[2:])
    assert len(table.header) == 1 + len(measures)
    decided_by_force = decided_by_force.set_index("force_code")
    for row in table.rows:
        if row[0] == EVERY:
            expected = [shown(decided[m]) for m in measures]
        else:
            expected = [shown(decided_by_force.loc[codes[row[0]], m]) for m in measures]
        assert row[1:] == expected, (key, code, row)
        compared += len(measures)
    return compared


@pytest.mark.parametrize("which", ["demo_site", "revised_site"])
def test_every_released_cell_on_a_force_page_is_the_released_csvs(which, request):
    built = request.getfixturevalue(which)
    site = built["site"]
    compared = suppressed = 0
    for key_dir in sorted(p for p in site.iterdir() if p.is_dir()):
        codes = released_csv(site, key_dir.name, "reports_by_force")["force_code"]
        forces = sorted(c for c in codes if c != "unknown")
        assert sorted(p.stem for p in (key_dir / "forces").glob("*.html")) == forces
        for code in forces:
            compared += check_force_page(site, key_dir.name, code)
            suppressed += (key_dir / "forces" / f"{code}.html").read_text().count("[c]")
    assert compared > 1000
    assert suppressed > 0  # the withheld cells are there, as [c]


def test_every_download_is_the_registers_file_byte_for_byte(demo_site, revised_site):
    for built in (demo_site, revised_site):
        with duckdb.connect(str(ledger_path(built["db"])), read_only=True) as con:
            rows = con.execute(
                "select r.period_key, f.file_name, f.content from release_files f "
                "join releases r using (release_id) "
                "where r.release_id in (select max(release_id) from releases group by period_key)"
            ).fetchall()
        assert rows
        for key, name, content in rows:
            assert (built["site"] / key / "files" / name).read_bytes() == bytes(content)
        copied = {
            (p.parent.parent.name, p.name) for p in built["site"].glob("*/files/*") if p.is_file()
        }
        assert copied == {(key, name) for key, name, _ in rows}
    # and the same as the folder publish wrote
    for name in ("headline.csv", "snapshot.xlsx", "metadata.json", "snapshot.html"):
        written = (demo_site["root"] / "released_2024" / name).read_bytes()
        assert (demo_site["site"] / "fy2024" / "files" / name).read_bytes() == written
    revised = (revised_site["root"] / "revised" / "reports_by_force.csv").read_bytes()
    assert (revised_site["site"] / "fy2024" / "files" / "reports_by_force.csv").read_bytes() == (
        revised
    )


def test_no_page_holds_a_script_or_asks_another_site(demo_site):
    site = demo_site["site"]
    for path, text in pages(site).items():
        assert "<script" not in text.lower(), path
        assert not re.search(r"<[^>]+\son[a-z]+=", text), f"an event handler in {path}"
        for address in Page(text).addresses:
            assert not urllib.parse.urlsplit(address).scheme or address.startswith("data:"), (
                path,
                address,
            )
    css = (site / "site.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_every_link_leads_to_a_file_of_the_site(demo_site, revised_site):
    for built in (demo_site, revised_site):
        site = built["site"].resolve()
        found = pages(site)
        for path, text in found.items():
            page = Page(text)
            for address in page.addresses:
                if address.startswith("data:"):
                    continue
                target, _, fragment = address.partition("#")
                resolved = path
                if target:
                    resolved = (path.parent / urllib.parse.unquote(target)).resolve()
                assert resolved.is_relative_to(site), (path, address)
                assert resolved.is_file(), (path, address)
                if fragment and resolved.suffix == ".html" and resolved in found:
                    assert fragment in Page(found[resolved]).ids, (path, address)


def test_every_page_has_its_frame(demo_site):
    for path, text in pages(demo_site["site"]).items():
        page = Page(text)
        assert page.lang == "en-GB", path
        assert len(page.h1) == 1 and page.h1[0], path
        assert page.addresses[page.addresses.index("#main")] and "main" in page.ids, path
        depth = len(path.relative_to(demo_site["site"]).parts) - 1
        assert "../" * depth + "index.html" in page.addresses, path
        assert "Open Government Licence v3.0" in text, path
        assert '<meta name="viewport"' in text, path


def test_only_released_periods_are_there(demo_site):
    site = demo_site["site"]
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == ["fy2023", "fy2024"]
    # the commentary may say that the period before was not released; nothing else names it
    everything = re.sub(r"Financial year \d{4}/\d{2} has not been released", "",
                        "\n".join(pages(site).values()))  # fmt: skip
    for unreleased in ("2022/23", "2025/26", "fy2025", "fy2022"):
        assert unreleased not in everything
    index = Page((site / "index.html").read_text(encoding="utf-8"))
    assert index.addresses.index("fy2024/index.html") < index.addresses.index("fy2023/index.html")


def test_synthetic_data_and_revisions_are_said(demo_site, revised_site):
    demo = (demo_site["site"] / "index.html").read_text(encoding="utf-8")
    real = (revised_site["site"] / "index.html").read_text(encoding="utf-8")
    assert "Synthetic demonstration data" in demo
    assert "Synthetic demonstration data" not in real
    for path, text in pages(revised_site["site"]).items():
        assert "ynthetic" not in text, path
    assert "Revised" in real and "Revised" not in demo
    release = (revised_site["site"] / "fy2024" / "index.html").read_text(encoding="utf-8")
    assert "Revised on release in" in release and "What changed on revision" in release


def test_the_map_page_draws_every_force_area(demo_site):
    text = (demo_site["site"] / "fy2024" / "map.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<path [^>]*data-force=", text)) == 43
    assert "Contains OS data © Crown copyright" in text
    table = Page(text).table("Reports by force")
    released = released_csv(demo_site["site"], "fy2024", "reports_by_force")
    assert len(table.rows) == len(released)


# --- the command line ---------------------------------------------------------------------


def failed(result, words: str) -> None:
    assert result.returncode == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_the_command_says_why_it_builds_nothing(demo_database, demo_site, tmp_path):
    failed(oversight("site", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "a")),
           "No database at")  # fmt: skip
    unreleased = tmp_path / "unreleased.duckdb"
    shutil.copy(demo_database, unreleased)
    failed(oversight("site", "--db", str(unreleased), "--out", str(tmp_path / "b")),
           "No figures have been published yet")  # fmt: skip
    assert not (tmp_path / "b").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    failed(oversight("site", "--db", str(demo_site["db"]), "--out", str(other)),
           "is not a site built by this command")  # fmt: skip
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    failed(oversight("site", "--db", str(demo_site["db"]), "--out", str(other / "notes.txt")),
           "is not a site built by this command")  # fmt: skip


def test_a_site_built_again_replaces_the_old_one(demo_site, tmp_path):
    out = tmp_path / "site"
    run("site", "--db", str(demo_site["db"]), "--out", str(out))
    (out / "stale.html").write_text("left from before")
    run("site", "--db", str(demo_site["db"]), "--out", str(out))
    assert not (out / "stale.html").exists()
    assert sorted(str(PurePosixPath(p.relative_to(out))) for p in out.rglob("*")) == sorted(
        str(PurePosixPath(p.relative_to(demo_site["site"]))) for p in demo_site["site"].rglob("*")
    )
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # nothing left beside it
