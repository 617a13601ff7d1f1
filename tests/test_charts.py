"""The chart builders build the same figure with plotly's validation on and off.

The dashboard builds its figures unvalidated (OVERSIGHT_VALIDATE_CHARTS unset: validation costs
tens of milliseconds per chart on every rerun); the tests run with it on (tests/conftest.py), so
a misspelt property fails there. These tests check that skipping validation changes nothing:
every public builder, on small inputs shaped like the pages' (app_pages/*.py and
oversight/analysis/*.py), gives the same JSON as plotly sends to the browser either way.
"""

import inspect
import json
import os

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots

from oversight import charts

NAN = float("nan")
MONTHS = pd.to_datetime(["2024-04-01", "2024-05-01", "2024-06-01"])
SUBJECT = charts.SUBJECT_GROUP_COLOURS
GROUPS = {"Avon and Somerset": "#D55E00", "South West": "#0072B2", "England and Wales": "#000"}


def _rates() -> pd.DataFrame:
    """Forces page: conversion rates (percent) of a force, its region and the nation."""
    rows = []
    for measure in ("Dissemination rate", "Investigation rate"):
        for group, rate in zip(GROUPS, (30.1, 28.4, 29.2), strict=True):
            rows.append((measure, group, rate, rate - 1.5, rate + 1.7, 120, 400.0))
    return pd.DataFrame(
        rows, columns=["measure", "group", "rate", "rate_low", "rate_high", "numerator",
                       "denominator"],
    )  # fmt: skip


def _pending() -> pd.DataFrame:
    """Outcomes page: referrals awaiting a decision by force, long by status."""
    return pd.DataFrame(
        {
            "force_name": ["Kent Police", "Essex Police", "Kent Police", "Essex Police"],
            "status": ["Overdue (over 28 days)"] * 2 + ["Within 28 days"] * 2,
            "referrals": [12, 7, 3, 0],
        }
    )


def _trend() -> pd.DataFrame:
    """Forces page: reports per 1,000 officers by month, force beside the nation."""
    rows = []
    for group, kind, base in (
        ("Avon and Somerset", "force", 2.0),
        ("England and Wales", "nation", 1.6),
    ):
        for i, start in enumerate(MONTHS):
            rows.append((start, group, kind, 10 + i, base + 0.1 * i, base - 0.5, base + 0.6))
    return pd.DataFrame(
        rows, columns=["period_start", "group", "group_kind", "reports", "rate", "rate_low",
                       "rate_high"],
    )  # fmt: skip


def _monthly() -> pd.DataFrame:
    """Overview and Reports pages: reports by month and channel."""
    return pd.DataFrame(
        {
            "month_start": list(MONTHS) * 2,
            "channel": ["phone"] * 3 + ["online"] * 3,
            "channel_label": ["Phone"] * 3 + ["Online"] * 3,
            "reports": [19, 122, 130, 5, 60, 71],
            "label": ["Apr–Jun 2024", "Jul–Sep 2024", "Oct–Dec 2024"] * 2,
        }
    )


def _path() -> pd.DataFrame:
    """Overview page: the path of a report."""
    return pd.DataFrame(
        {
            "stage": ["Reports received", "Passed to a force", "Investigated", "Dismissed"],
            "count": [35055, 9994, 6125, 212],
        }
    )


def _funnel() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forces page: every force's rate against its size, and the limits around the target."""
    points = pd.DataFrame(
        {
            "force": ["Avon and Somerset", "Metropolitan Police", "Dyfed-Powys", "Kent"],
            "denominator": [3326.66, 34000.5, 1200.0, 4000.0],
            "rate": [18.2, 25.1, 9.5, 20.0],
        }
    )
    size = np.geomspace(500.0, 40000.0, 6)
    limits = pd.DataFrame(
        {
            "denominator": size,
            "lower_95": 19.6 - 200 / np.sqrt(size),
            "upper_95": 19.6 + 200 / np.sqrt(size),
            "lower_998": 19.6 - 300 / np.sqrt(size),
            "upper_998": 19.6 + 300 / np.sqrt(size),
        }
    )
    return points, limits


def _relative() -> pd.DataFrame:
    """Fairness page: relative rates against the White group (a row with no ratio is skipped)."""
    return pd.DataFrame(
        {
            "stage": ["Report → investigation"] * 3 + ["Investigation → case to answer"] * 3,
            "group": ["Asian", "Black", "Mixed"] * 2,
            "relative_rate": [1.09, 0.90, 1.12, 1.21, NAN, 0.95],
            "relative_rate_low": [0.98, 0.79, 0.98, 1.02, NAN, 0.80],
            "relative_rate_high": [1.21, 1.03, 1.28, 1.44, NAN, 1.13],
        }
    )


def _mix() -> pd.DataFrame:
    """Outcomes page: investigations by furthest outcome."""
    return pd.DataFrame(
        {
            "label": ["Open (still open)", "No case to answer", "Dismissed or would have been"],
            "cases": [374, 876, 40],
            "share": [0.29, 0.68, 0.03],
        }
    )


def _conversions() -> pd.DataFrame:
    """Outcomes and Reports pages: rates with intervals and further columns for the hover."""
    return pd.DataFrame(
        {
            "label": ["Dissemination rate", "Investigation rate", "Case-to-answer rate"],
            "rate_percent": [29.15, 84.71, 48.14],
            "low_percent": [28.24, 83.28, 45.85],
            "high_percent": [30.08, 86.05, 50.43],
            "numerator": [2714, 2200, 879],
            "denominator": [9310, 2597, 1826],
        }
    )


def _grid() -> pd.DataFrame:
    """Reports page: reports by force and category (one cell missing)."""
    rows = [
        (force, category, reports, total)
        for force, total in (("Avon and Somerset", 830), ("Kent", 640))
        for category, reports in (("Corrupt exchange", 92), ("Abuse of position", 272),
                                  ("Sexual misconduct", 276))
    ][:-1]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["short_name", "category_label", "reports", "total"])
    return frame.assign(share=frame["reports"] / frame["total"])


def _attributes() -> pd.DataFrame:
    """Reports page: reports by channel, role and setting, with a colour per bar."""
    return pd.DataFrame(
        {
            "attribute": ["channel", "channel", "subject_role", "subject_role", "setting"],
            "value_label": ["Phone", "Online", "Police officer", "Police staff", "Not known"],
            "reports": [19413, 15642, 28829, 6226, 0],
            "share_of_reports": [0.554, 0.446, 0.822, 0.178, 0.0],
            "colour": ["#0072B2", "#E69F00", "#0072B2", "#0072B2", "#0072B2"],
        }
    )


PANEL_TITLES = {"channel": "Channel: how the report was made", "subject_role": "Role"}


def _shares(groups: list[str]) -> pd.DataFrame:
    """Fairness page: each group's share (in %) of each stage (NaN where nothing is shared)."""
    stages = ["Reports", "Investigations", "Cases to answer", "Dismissals"]
    rows = [
        (stage, group, NAN if stage == "Dismissals" else 100 / len(groups) + i - j)
        for j, group in enumerate(groups)
        for i, stage in enumerate(stages)
    ]
    return pd.DataFrame(rows, columns=["stage", "group", "share_percent"])


def _curves(groups: list[str], band: bool = True, at_risk: bool = True) -> pd.DataFrame:
    """Outcomes page: Kaplan-Meier curves (with a censoring-only day that is not drawn)."""
    frames = []
    for i, group in enumerate(groups):
        survival = np.array([1.0, 1.0, 0.8, 0.55 - 0.05 * i, 0.3, 0.08])
        frame = pd.DataFrame(
            {
                "group": group,
                "day": [0, 11, 40, 120 + 10 * i, 300, 600],
                "survival": survival,
                "at_risk": [200, 200, 160, 110, 60, 16],
            }
        )
        if band:
            frame = frame.assign(survival_low=survival - 0.05, survival_high=survival + 0.04)
        frames.append(frame if at_risk else frame.drop(columns="at_risk"))
    return pd.concat(frames, ignore_index=True)


def _marks(groups: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": groups,
            "median_days": [284.0, NAN, 150.0][: len(groups)],
            "p90_days": [596.0, NAN, NAN][: len(groups)],
        }
    )


def _relative_gaps() -> pd.DataFrame:
    """Relative rates where Black has no ratio at any step and Asian none at the first, so the
    groups drawn (Mixed, then Asian) are not in the order the frame first names them."""
    frame = _relative()
    return frame.assign(
        relative_rate=[NAN, NAN, 1.12, 1.21, NAN, 0.95],
        relative_rate_low=[NAN, NAN, 0.98, 1.02, NAN, 0.80],
    )


def _shares_gaps() -> pd.DataFrame:
    """Stage shares listed group by group, with a group that has no share at any stage."""
    frame = _shares(["White", "Asian", "Black"]).sort_values("group", kind="stable")
    return frame.assign(share_percent=frame["share_percent"].where(frame["group"] != "Black"))


def _odd_marks() -> pd.DataFrame:
    """Marks with a group listed twice (its first row counts) and a curve's group missing."""
    return pd.DataFrame(
        {
            "group": [ALL, ALL, "Essex"],
            "median_days": [284.0, 1.0, 150.0],
            "p90_days": [NAN, 2.0, 590.0],
        }
    )


ALL = "All investigations selected"
OUTCOME = charts.OUTCOME_GROUP_COLOURS
PENDING_COLOURS = {"Overdue (over 28 days)": "#D55E00", "Within 28 days": "#56B4E9"}

# (id, builder, args, kwargs)
CASES = [
    ("bars-grouped-error", "bars", (_rates(), "measure", "rate", "Rates", "Rate", "Percent"),
     {"colour": "group", "colours": GROUPS, "error": ("rate_low", "rate_high"),
      "stacked": False}),
    ("bars-horizontal-stacked", "bars",
     (_pending(), "force_name", "referrals", "Pending", "Receiving force", "Referrals"),
     {"colour": "status", "colours": PENDING_COLOURS, "horizontal": True}),
    ("bars-plotly-colours", "bars",
     (_pending(), "force_name", "referrals", "Pending", "Receiving force", "Referrals"),
     {"colour": "status"}),
    ("bars-one-colour", "bars", (_mix(), "label", "cases", "Cases", "Outcome", "Cases"), {}),
    ("bars-horizontal-error", "bars",
     (_rates().head(3), "group", "rate", "Rates", "Group", "Percent"),
     {"error": ("rate_low", "rate_high"), "horizontal": True}),
    ("lines-by-channel", "lines",
     (_monthly(), "month_start", "reports", "Monthly", "Month received", "Reports"),
     {"colour": "channel", "colours": charts.CHANNEL_COLOURS}),
    ("lines-band", "lines",
     (_trend(), "period_start", "rate", "Trend", "Month", "Reports per 1,000 officers"),
     {"colour": "group", "colours": GROUPS, "band": ("rate_low", "rate_high")}),
    ("lines-one", "lines",
     (_trend().head(3), "period_start", "reports", "Reports", "Month", "Reports"), {}),
    ("lines-step-band", "lines",
     (_trend().head(3), "period_start", "rate", "Step", "Month", "Rate"),
     {"band": ("rate_low", "rate_high"), "step": True}),
    ("funnel", "funnel", (_path(), "stage", "count", "How far reports have gone so far"), {}),
    ("stage-bars", "stage_bars",
     (_path().assign(words=["35,055 reports", "9,994 reports, 29% of the stage above",
                            "6,125 referrals", "212 referrals, 3% of the stage above"]),
      "stage", "count", "words", "How far reports have gone so far"), {}),
    ("funnel-plot", "funnel_plot",
     (*_funnel(), "denominator", "rate", "force", 19.65, "Funnel", "Officers", "Rate"),
     {"highlight": "Kent"}),
    ("funnel-plot-plain", "funnel_plot",
     (*_funnel(), "denominator", "rate", "force", 19.65, "Funnel", "Officers", "Rate"), {}),
    ("funnel-focused-right", "funnel_plot_focused",
     (*_funnel(), "denominator", "rate", "force", 19.65, "Funnel", "Officers (log scale)",
      "Reports per 1,000 officers"),
     {"highlight": "Metropolitan Police", "target_label": "England and Wales: 19.7"}),
    ("funnel-focused-left", "funnel_plot_focused",
     (*_funnel(), "denominator", "rate", "force", 19.65, "Funnel", "Officers", "Rate (%)"),
     {"highlight": "Dyfed-Powys", "target_label": "England and Wales: 19.7%", "y_format": ".2f"}),
    ("funnel-focused-bare", "funnel_plot_focused",
     (*_funnel(), "denominator", "rate", "force", 19.65, "Funnel", "Officers", "Rate"), {}),
    ("relative-rates", "relative_rates",
     (_relative(), "stage", "group", "relative_rate", "relative_rate_low", "relative_rate_high",
      "Relative rates", "Step", "Relative rate (log scale)", "Same rate as the White group",
      SUBJECT), {}),
    ("labelled-bars-share", "labelled_bars",
     (_mix(), "label", "cases", "Outcomes", "Investigations", "Furthest outcome"),
     {"colours": {"Open (still open)": OUTCOME["open"]}, "share": "share"}),
    ("labelled-bars", "labelled_bars",
     (_mix(), "label", "cases", "Outcomes", "Investigations", "Furthest outcome"), {}),
    ("interval-dots-reference", "interval_dots",
     (_conversions(), "label", "rate_percent", "low_percent", "high_percent", "Rates",
      "Rate (%)", "Stage"),
     {"reference": 40.5, "reference_label": "England and Wales: 40.5",
      "hover": {"numerator": "Moved on", "denominator": "Out of"}}),
    ("interval-dots", "interval_dots",
     (_conversions(), "label", "rate_percent", "low_percent", "high_percent", "Rates",
      "Rate (%)", "Stage"), {"reference": NAN}),
    ("interval-dots-fixed-axis", "interval_dots",
     (_conversions(), "label", "rate_percent", "low_percent", "high_percent", "Rates",
      "Rate (%)", "Stage"), {"x_range": (0, 100)}),
    ("heatmap-counts", "labelled_heatmap",
     (_grid(), "category_label", "short_name", "reports", "Reports", "Category", "Force",
      "Reports"), {}),
    ("heatmap-shares", "labelled_heatmap",
     (_grid(), "category_label", "short_name", "share", "Shares", "Category", "Force",
      "Share of the force's reports"), {"percent": True}),
    ("series-lines", "series_by_group",
     (_monthly(), "month_start", "reports", "channel_label", "Monthly", "Month received",
      "Reports"), {"colours": {"Phone": "#0072B2"}}),
    ("series-bars", "series_by_group",
     (_monthly(), "label", "reports", "channel_label", "Quarterly", "Quarter received",
      "Reports"), {"colours": {"Phone": "#0072B2", "Online": "#E69F00"}, "kind": "bars"}),
    ("panels", "labelled_bar_panels",
     (_attributes(), "attribute", "value_label", "reports", "Attributes", "Reports",
      PANEL_TITLES), {"share": "share_of_reports", "colour": "colour"}),
    ("panels-plain", "labelled_bar_panels",
     (_attributes(), "attribute", "value_label", "reports", "Attributes", "Reports",
      PANEL_TITLES), {}),
    ("stage-shares-two", "stage_shares",
     (_shares(["Male", "Female"]), "stage", "group", "share_percent", "Shares",
      "Share of the stage (%)", SUBJECT), {}),
    ("stage-shares-three", "stage_shares",
     (_shares(["Male", "Female", "Not stated"]), "stage", "group", "share_percent", "Shares",
      "Share of the stage (%)", SUBJECT), {}),
    ("stage-shares-six", "stage_shares",
     (_shares(["White", "Asian", "Black", "Mixed", "Other ethnic group", "Not stated"]),
      "stage", "group", "share_percent", "Shares", "Share of the stage (%)"), {}),
    ("survival-one", "survival_steps",
     (_curves([ALL]), _marks([ALL]), "Still open", "Days since the report",
      "Share still open"), {}),
    ("survival-split", "survival_steps",
     (_curves([ALL, "Kent", "Essex"], band=False), _marks([ALL, "Kent", "Essex"]),
      "Still open", "Days since the report", "Share still open"),
     {"colours": {"Kent": "#E69F00"}, "reference": ALL}),
    ("survival-two-no-at-risk", "survival_steps",
     (_curves([ALL, "Kent"], at_risk=False), _marks([ALL]), "Still open", "Days",
      "Share still open"), {"reference": ALL}),
    ("survival-never-half", "survival_steps",
     (_curves(["Kent"]), _marks([ALL, "Kent"]), "Still open", "Days", "Share"), {}),
    ("survival-odd-marks", "survival_steps",
     (_curves([ALL, "Kent", "Essex"], band=False), _odd_marks(), "Still open", "Days",
      "Share"), {"reference": ALL}),
    ("survival-one-row", "survival_steps",
     (_curves([ALL]).head(1), _marks([ALL]), "Still open", "Days", "Share"), {}),
    ("relative-rates-gaps", "relative_rates",
     (_relative_gaps(), "stage", "group", "relative_rate", "relative_rate_low",
      "relative_rate_high", "Relative rates", "Step", "Relative rate (log scale)",
      "Same rate as the White group", SUBJECT), {}),
    ("stage-shares-gaps", "stage_shares",
     (_shares_gaps(), "stage", "group", "share_percent", "Shares", "Share of the stage (%)",
      SUBJECT), {}),
    ("heatmap-unsorted", "labelled_heatmap",
     (_grid().iloc[[4, 0, 2, 1, 3]], "category_label", "short_name", "reports", "Reports",
      "Category", "Force", "Reports"), {}),
    ("panels-interleaved", "labelled_bar_panels",
     (_attributes().iloc[[0, 2, 1, 4, 3]], "attribute", "value_label", "reports", "Attributes",
      "Reports", PANEL_TITLES), {"share": "share_of_reports"}),
]  # fmt: skip


def _public_builders() -> set[str]:
    """The public functions of charts.py that build a figure (not those that read one)."""
    return {
        name
        for name, value in vars(charts).items()
        if inspect.isfunction(value) and not name.startswith("_")
        and value.__module__ == charts.__name__
        and inspect.signature(value).return_annotation is go.Figure
    }  # fmt: skip


def _sent(fig) -> dict:
    """The figure as Streamlit's st.plotly_chart sends it to the browser, parsed."""
    return json.loads(pio.to_json(fig.to_dict(), validate=False))


def test_every_public_builder_has_a_case():
    assert {builder for _, builder, _, _ in CASES} == _public_builders()


def test_the_tests_validate_charts():
    """tests/conftest.py turns validation on, so a misspelt property fails the tests."""
    assert os.environ.get("OVERSIGHT_VALIDATE_CHARTS") == "1"


def test_validation_is_read_at_call_time(monkeypatch):
    bad = [{"type": "bar", "x": [1], "colour": "red"}]
    with pytest.raises(ValueError, match="colour"):
        charts._figure(bad, {})
    monkeypatch.setenv("OVERSIGHT_VALIDATE_CHARTS", "0")
    assert charts._figure(bad, {}).to_dict()["data"][0]["colour"] == "red"
    monkeypatch.delenv("OVERSIGHT_VALIDATE_CHARTS")
    charts._figure(bad, {})


@pytest.mark.parametrize(("builder", "args", "kwargs"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_unvalidated_figure_is_the_validated_one(builder, args, kwargs, monkeypatch):
    build = getattr(charts, builder)
    monkeypatch.setenv("OVERSIGHT_VALIDATE_CHARTS", "1")
    validated = _sent(build(*args, **kwargs))
    monkeypatch.setenv("OVERSIGHT_VALIDATE_CHARTS", "0")
    unvalidated = _sent(build(*args, **kwargs))
    assert unvalidated == validated
    assert validated["data"], "every case draws something"


@pytest.mark.parametrize("count", range(1, 10))
def test_stage_shares_panels_sit_where_make_subplots_puts_them(count):
    """stage_shares lays out its panels as make_subplots would, without its validated figure."""
    groups = ["White", "Asian", "Black", "Mixed", "Other ethnic group", "Male", "Female", "Other",
              "Not stated"][:count]  # fmt: skip
    layout = charts.stage_shares(
        _shares(groups), "stage", "group", "share_percent", "Shares", "Share (%)", SUBJECT
    ).to_dict()["layout"]
    columns = 2
    rows = -(-count // columns)
    expected = make_subplots(
        rows=rows, cols=columns, subplot_titles=groups,
        horizontal_spacing=charts.STAGE_PANEL_SPACING,
        vertical_spacing=0.22 if rows > 1 else 0.1,
    ).to_dict()["layout"]  # fmt: skip
    axes = [key for key in expected if key.startswith(("xaxis", "yaxis"))]
    assert sorted(axes) == sorted(key for key in layout if key.startswith(("xaxis", "yaxis")))
    for key in axes:
        assert layout[key]["domain"] == expected[key]["domain"], key
        assert layout[key]["anchor"] == expected[key]["anchor"], key
    assert layout["annotations"] == expected["annotations"]


def test_rows_are_grouped_as_groupby_groups_them():
    """Groups in the order they first appear, rows in frame order, rows with no group left out."""
    keys = ["Kent", "Essex", None, "Kent", NAN, "Essex", "Kent"]
    assert charts._rows_by_group(keys) == {"Kent": [0, 3, 6], "Essex": [1, 5]}


def test_a_heatmap_cell_given_twice_is_an_error():
    """As pandas' pivot refuses it: the chart cannot show two values in one cell."""
    grid = _grid()
    with pytest.raises(ValueError, match="more than one reports"):
        charts.labelled_heatmap(
            pd.concat([grid, grid.head(1)]), "category_label", "short_name", "reports",
            "Reports", "Category", "Force", "Reports",
        )  # fmt: skip


def test_survival_steps_draws_only_where_the_curve_changes(monkeypatch):
    """Day 11 (censoring alone, survival unchanged at 1.0) is not drawn; first and last are."""
    monkeypatch.setenv("OVERSIGHT_VALIDATE_CHARTS", "1")  # a go.Figure, to read its traces
    fig = charts.survival_steps(_curves([ALL], band=False), _marks([ALL]), "T", "Days", "Share")
    curve = fig.data[0]
    assert list(curve.x) == [0, 40, 120, 300, 600]
    assert list(curve.y) == [1.0, 0.8, 0.55, 0.3, 0.08]
    assert [row[0] for row in curve.customdata] == [200, 160, 110, 60, 16]


@pytest.mark.parametrize(("builder", "args", "kwargs"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_the_title_and_summary_are_text_for_the_page(builder, args, kwargs):
    """No title is drawn in the chart (on a phone plotly cut it: "…role, duty and settin"):
    the page writes it, and the one-line summary, as text (charts.title_and_summary)."""
    fig = getattr(charts, builder)(*args, **kwargs)
    layout = _sent(fig)["layout"]
    assert "text" not in layout.get("title", {})
    title, summary = charts.title_and_summary(fig)
    assert title and title in [arg for arg in args if isinstance(arg, str)]
    assert summary.endswith(".") and "nan" not in summary.lower()


def test_summaries_say_what_the_numbers_say():
    """Worked out by hand from the small frames above."""
    # pending: Kent 12 + 3, Essex 7 + 0
    stacked = charts.bars(_pending(), "force_name", "referrals", "Pending", "Force", "Referrals",
                          colour="status", horizontal=True)  # fmt: skip
    assert charts.title_and_summary(stacked)[1] == (
        "Referrals: highest Kent Police (15), lowest Essex Police (7); 22 in all."
    )
    mix = charts.labelled_bars(_mix(), "label", "cases", "Outcomes", "Investigations", "Outcome",
                               share="share")  # fmt: skip
    assert charts.title_and_summary(mix)[1] == (
        "Investigations: highest No case to answer (876, 68%), lowest Dismissed or would have "
        "been (40, 3%)."
    )
    grid = charts.labelled_heatmap(_grid(), "category_label", "short_name", "share", "Shares",
                                   "Category", "Force", "Share (%)", percent=True)  # fmt: skip
    assert charts.title_and_summary(grid)[1] == (  # 272 / 640 and 92 / 830
        "Share: highest Kent, Abuse of position (42%), lowest Avon and Somerset, Corrupt "
        "exchange (11%)."
    )
    monthly = charts.lines(_monthly(), "month_start", "reports", "Monthly", "Month", "Reports",
                           colour="channel_label")  # fmt: skip
    assert charts.title_and_summary(monthly)[1] == (
        "Reports: Phone highest 130 (Jun 2024), latest 130 (Jun 2024); Online highest 71 "
        "(Jun 2024), latest 71 (Jun 2024)."
    )
    path = charts.funnel(_path(), "stage", "count", "Path")
    assert charts.title_and_summary(path)[1] == (
        "Reports received: 35,055; Passed to a force: 9,994; Investigated: 6,125; Dismissed: 212."
    )
    split = charts.survival_steps(_curves([ALL, "Kent"], band=False), _marks([ALL, "Kent"]),
                                  "T", "Days", "Share")  # fmt: skip
    assert charts.title_and_summary(split)[1] == (
        f"Half of the cases had ended by: {ALL} day 284, Kent not yet."
    )


def test_a_log_axis_is_labelled_at_1_2_and_5_times_powers_of_ten():
    """Not plotly's "5 6 7 8 9 1000 2 3 4": 500, 1,000, 2,000, 5,000, 10,000, 20,000."""
    assert charts._log_ticks(480.0, 35_000.0) == [500, 1000, 2000, 5000, 10000, 20000]
    assert charts._log_ticks(12.0, 90.0) == [20, 50]
    assert charts._log_ticks(0.0, 10.0) == []
    points, limits = _funnel()
    axis = _sent(charts.funnel_plot_focused(
        points, limits, "denominator", "rate", "force", 19.65, "Funnel", "Officers", "Rate",
    ))["layout"]["xaxis"]  # fmt: skip
    assert axis["tickvals"] == [500, 1000, 2000, 5000, 10000, 20000]
    assert axis["tickformat"] == ","  # 1,000 with its separator


def test_counts_have_thousands_separators_on_axes_and_in_hover():
    for fig in (
        charts.bars(_pending(), "force_name", "referrals", "P", "Force", "Referrals"),
        charts.labelled_bars(_mix(), "label", "cases", "O", "Investigations", "Outcome"),
        charts.series_by_group(
            _monthly(), "month_start", "reports", "channel_label", "M", "Month", "Reports"
        ),  # fmt: skip
    ):
        layout = _sent(fig)["layout"]
        value_axis = layout["xaxis"] if "," in layout["xaxis"].get("tickformat", "") else None
        value_axis = value_axis or layout["yaxis"]
        assert value_axis["tickformat"] == "," and value_axis["hoverformat"] == ",.1~f"


def test_long_category_names_wrap_so_a_phone_keeps_room_for_the_bars():
    frame = _mix().assign(label=["Case to answer, awaiting proceedings (still open)", "No", "X"])
    bar = _sent(charts.labelled_bars(frame, "label", "cases", "O", "Investigations", "Outcome"))
    assert bar["data"][0]["y"][0] == "Case to answer,<br>awaiting proceedings<br>(still open)"
    assert bar["data"][0]["y"][1:] == ["No", "X"]
