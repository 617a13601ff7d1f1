"""A chart's numbers, downloaded in the Kent view: the file's name and its head carry the force and
the period, and its numbers are the screen's (percentages, rounded), worked out here by hand from
the demo extract. The table on screen heads its columns in words."""

import csv
import io
import json

import pandas as pd
import pytest

from oversight.analysis.reports import CATEGORY_LABELS
from tests.pages.conftest import on_another_thread
from tests.pages.test_reports import open_reports, selected

KENT_FY2025 = {"period": "fy2025", "force": "kent"}
NAME = "reports_by_category_kent_2025-04-01_2026-03-31.csv"


def _read(data: bytes) -> tuple[dict[str, str], pd.DataFrame]:
    """The file's "About this file" rows, and the table under them (as text, as written)."""
    text = data.decode("utf-8-sig")
    head, _, table = text.partition("\n\n")
    rows = list(csv.reader(io.StringIO(head)))
    assert rows[0] == ["About this file"]
    return dict(rows[1:]), pd.read_csv(io.StringIO(table), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def kent_expected(demo) -> pd.DataFrame:
    """Kent's reports in FY 2025/26 by category, and their share of Kent's reports, by hand."""
    kent = selected(demo, "2025-04-01", "2026-03-31", forces=("kent",))
    carried = kent["category_list"].explode().value_counts()
    return pd.DataFrame({"reports": carried, "share": carried / len(kent) * 100})


def test_the_kent_download_names_kent_and_the_period_in_percent(
    open_page, made_on_click, kent_expected
):
    app = open_reports(open_page, KENT_FY2025)
    assert NAME in made_on_click, sorted(made_on_click)
    about, table = _read(on_another_thread(made_on_click[NAME]))
    assert about["Force"] == "Kent"
    assert about["Reports received"] == "01 Apr 2025 to 31 Mar 2026"
    assert about["Chart"] == "Reports by category (a report can carry several)"
    assert about["Data"].startswith("Synthetic demonstration data")
    assert about["Data as at"] == "31 Oct 2026"

    assert list(table.columns) == ["Category", "Reports", "Share of all reports (%)"]
    table = table.set_index("Category")
    # the table names categories as the chart does
    expected = kent_expected.rename(index=CATEGORY_LABELS).loc[table.index]
    assert table["Reports"].astype(int).tolist() == expected["reports"].tolist()
    for written, exact in zip(table["Share of all reports (%)"], expected["share"], strict=True):
        # a percentage, not a 0..1 share, to one decimal place
        assert len(written.partition(".")[2]) <= 1, written
        assert abs(float(written) - exact) <= 0.05 + 1e-9, (written, exact)
    assert not app.exception


def test_every_chart_file_of_the_kent_view_names_kent(open_page, made_on_click):
    open_reports(open_page, KENT_FY2025)
    charts = [name for name in made_on_click if name.endswith(".csv")]
    per_chart = [name for name in charts if name != "reports_by_force_2025-04-01_2026-03-31.csv"]
    assert len(per_chart) >= 6
    for name in per_chart:
        assert "_kent_2025-04-01_2026-03-31" in name, name
        about, _ = _read(on_another_thread(made_on_click[name]))
        assert about["Force"] == "Kent", name
        for value in about.values():
            assert not value.startswith(("=", "+", "-", "@")), (name, value)


def test_the_numbers_table_heads_its_columns_in_words(open_page):
    app = open_reports(open_page, KENT_FY2025)
    shown = next(f for f in app.dataframe if "share_of_reports" in f.value.columns)
    settings = json.loads(shown.proto.columns)
    assert settings["share_of_reports"]["label"] == "Share of all reports (%)"
    assert settings["share_of_reports"]["type_config"]["format"] == "percent"
    assert settings["reports"]["type_config"]["format"] == "localized"
    assert settings["category"]["label"] == "Category"
