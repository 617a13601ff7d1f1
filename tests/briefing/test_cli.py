"""python -m oversight briefing, run as a user runs it (a child process): clear refusals with a
non-zero status and no traceback, the HTML always, the PDF's absence said with how to get it,
and the briefing on the audit log."""

import json
import os
import shutil
import subprocess

import pytest

from oversight import audit
from tests.system.test_cli import oversight


def briefing(*args: str, **env: str) -> subprocess.CompletedProcess:
    return oversight("briefing", *args, env={**os.environ, **env})


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (["--force", "kentt", "--year", "2024"], 1,
         "No briefing written: No force has the code 'kentt'. Did you mean kent or gwent?"),
        (["--force", "kent", "--quarter", "2024-5"], 2,
         "argument --quarter: '2024-5' is not a quarter: give the financial year and 1 to 4"),
        (["--force", "kent", "--year", "24"], 2,
         "argument --year: '24' is not a financial year"),
        (["--force", "kent", "--public"], 1,
         "No briefing written: A public briefing is of a financial year (--year 2025"),
        (["--force", "kent", "--public", "--quarter", "2025-1"], 1,
         "No briefing written: Not yet: April to June 2025 (2025/26 quarter 1) can be released "
         "once the data runs to September 2025"),
    ],
)  # fmt: skip
def test_refusals_are_plain(tiny_db, tmp_path, args, status, said):
    out = tmp_path / "out"
    result = briefing("--db", str(tiny_db), "--out", str(out), *args)
    assert result.returncode == status
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_no_database(tmp_path):
    result = briefing("--db", str(tmp_path / "none.duckdb"), "--force", "kent",
                       "--out", str(tmp_path / "out"))  # fmt: skip
    assert result.returncode == 1
    assert "No database at" in result.stderr and "Traceback" not in result.stderr


def test_without_chromium_the_html_and_how_to_get_the_pdf(tiny_db, tmp_path):
    db_path = tmp_path / "data.duckdb"
    shutil.copy(tiny_db, db_path)
    out = tmp_path / "briefing"
    missing = str(tmp_path / "no-chromium")
    result = briefing("--db", str(db_path), "--force", "kent", "--year", "2024",
                       "--out", str(out), OVERSIGHT_CHROMIUM=missing)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["briefing.html"]
    assert "No PDF was made: headless chromium was not found" in result.stdout
    assert "open briefing.html in a browser and print it to PDF" in result.stdout
    assert "Questions for the chief constable: 5" in result.stdout
    html = (out / "briefing.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert "Kent Police: briefing, 1 April 2024 to 31 March 2025" in html

    log = audit.events(db_path)
    made = log.loc[log["event"] == audit.BRIEFING]
    assert made["user_id"].iat[0].endswith("(command line)")
    assert json.loads(made["detail"].iat[0]) == {
        "force": "kent", "period": "2024-04-01 to 2025-03-31", "public": False,
    }  # fmt: skip


def test_a_public_briefing_from_the_command_line(tiny_db, tmp_path):
    db_path = tmp_path / "data.duckdb"
    shutil.copy(tiny_db, db_path)
    out = tmp_path / "briefing"
    result = briefing("--db", str(db_path), "--force", "kent", "--year", "2024",
                       "--public", "--out", str(out), OVERSIGHT_CHROMIUM="none")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Wrote a public (disclosure-controlled) briefing on Kent Police" in result.stdout
    html = (out / "briefing.html").read_text(encoding="utf-8")
    assert "Public: disclosure-controlled." in html and 'id="fairness"' not in html
