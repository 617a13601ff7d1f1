"""Overview page: headline tiles and the report path, checked against plain pandas counts."""

import pandas as pd
import pytest

from tests.pages.conftest import check_decided, table
from tests.pages.shown import chart_spec, column_formats

ENDING = {
    "no_case_to_answer", "false_allegation", "no_further_action", "reflective_practice",
    "management_advice", "written_warning", "final_written_warning", "reduction_in_rank",
    "dismissed", "would_have_been_dismissed",
}  # fmt: skip
CASE_TO_ANSWER = {"case_to_answer_misconduct", "case_to_answer_gross_misconduct"}


def expected(demo, first, last, forces=(), channels=(), roles=()) -> dict[str, int]:
    """Headline counts worked out by hand from the extract (docs/metrics.md, cohort view)."""
    reports = demo["reports"]
    in_period = reports[reports["received_date"].between(first, last)]
    if channels:
        in_period = in_period[in_period["channel"].isin(channels)]
    if roles:
        in_period = in_period[in_period["subject_role"].isin(roles)]
    mine = in_period[in_period["subject_force"].isin(forces)] if forces else in_period
    referrals = demo["referrals"][demo["referrals"]["report_id"].isin(in_period["report_id"])]
    if forces:
        referrals = referrals[referrals["force"].isin(forces)]
    outcomes = demo["outcomes"]
    investigations = referrals[referrals["assessment"] == "investigation"]
    has = {
        code: set(outcomes.loc[outcomes["outcome"].isin(code_set), "referral_id"])
        for code, code_set in {
            "c2a": CASE_TO_ANSWER, "ending": ENDING, "dismissed": {"dismissed"},
            "whbd": {"would_have_been_dismissed"},
        }.items()
    }  # fmt: skip
    referred_reports = set(demo["referrals"]["report_id"])
    return {
        "Reports": len(mine),
        "online": int((mine["channel"] == "online").sum()),
        "anonymous": int(mine["anonymous"].isin(["true"]).sum()),
        "Passed to a force": int(mine["report_id"].isin(referred_reports).sum()),
        "Investigations": len(investigations),
        "Case to answer": int(investigations["referral_id"].isin(has["c2a"]).sum()),
        "Dismissals": int(referrals["referral_id"].isin(has["dismissed"]).sum()),
        "Removed from policing": int(
            referrals["referral_id"].isin(has["dismissed"] | has["whbd"]).sum()
        ),
        "Open cases": int((~investigations["referral_id"].isin(has["ending"])).sum()),
    }


def shown(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


COUNT_TILES = ["Reports", "Passed to a force", "Investigations", "Case to answer", "Dismissals",
               "Removed from policing", "Open cases"]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "first", "last", "forces", "channels"),
    [
        ({"period": "pilot", "force": "metropolitan"}, "2022-11-29", "2024-02-29",
         ("metropolitan",), ()),
        ({"period": "fy2024", "force": ["kent", "essex"], "channel": "online"}, "2024-04-01",
         "2025-03-31", ("kent", "essex"), ("online",)),
    ],
    ids=["met-pilot", "kent-essex-online-fy2024"],
)  # fmt: skip
def test_tiles_match_hand_counts(open_page, demo, query, first, last, forces, channels):
    app = open_page("app_pages/overview.py", query=query)
    want = expected(demo, pd.Timestamp(first), pd.Timestamp(last), forces, channels)
    got = shown(app)
    for tile in COUNT_TILES:
        assert got[tile] == f"{want[tile]:,}", tile
    assert got["Online share"] == f"{want['online'] / want['Reports']:.0%}"
    assert got["Anonymous"] == f"{want['anonymous'] / want['Reports']:.0%}"


def test_officers_alone_from_the_url(open_page, demo):
    """role=officer: the reports about officers, and the referrals and outcomes of those."""
    app = open_page("app_pages/overview.py", query={"period": "fy2025", "role": "officer"})
    assert app.sidebar.multiselect(key="f_subject_roles").value == ["officer"]
    first, last = pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31")
    want = expected(demo, first, last, roles=("officer",))
    every_role = expected(demo, first, last)
    assert 0 < want["Reports"] < every_role["Reports"]
    got = shown(app)
    for tile in COUNT_TILES:
        assert got[tile] == f"{want[tile]:,}", tile
    # compared with officers in the year before, too
    then = expected(demo, pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31"),
                    roles=("officer",))  # fmt: skip
    delta = (want["Reports"] - then["Reports"]) / then["Reports"] * 100
    assert next(m for m in app.metric if m.label == "Reports").delta == f"{delta:+.0f}%"
    assert any("role: officer" in caption.value for caption in app.caption)


def test_choosing_roles_in_the_sidebar_changes_the_numbers(open_page, demo):
    app = open_page("app_pages/overview.py", query={"period": "national"})
    app.sidebar.multiselect(key="f_subject_roles").set_value(["staff", "volunteer"]).run()
    assert not app.exception
    want = expected(demo, pd.Timestamp("2024-03-14"), pd.Timestamp("2026-10-31"),
                    roles=("staff", "volunteer"))  # fmt: skip
    got = shown(app)
    for tile in COUNT_TILES:
        assert got[tile] == f"{want[tile]:,}", tile
    assert app.query_params["role"] == ["staff", "volunteer"]


def test_met_pilot_published_totals_and_path(open_page, demo):
    app = open_page(
        "app_pages/overview.py", query={"period": "pilot", "force": "metropolitan"},
        chart_numbers=True,
    )  # fmt: skip
    got = shown(app)
    assert (got["Reports"], got["Passed to a force"], got["Investigations"]) == (
        "2,878", "867", "728"
    )  # fmt: skip
    path = table(app, "Stage")
    counts = dict(zip(path["Stage"], path["Number"], strict=True))
    assert counts["Reports received"] == 2878
    assert counts["Passed to a force"] == 867
    assert counts["Investigated"] == 728


def test_change_against_the_previous_year(open_page, demo):
    app = open_page("app_pages/overview.py", query={"period": "fy2025"})
    now = expected(demo, pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31"))
    # fy2025 is 365 days; the previous period is the 365 days to 31 March 2025 (from
    # 1 April 2024, since 2025 is not a leap year)
    then = expected(demo, pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31"))
    tile = next(m for m in app.metric if m.label == "Reports")
    assert tile.value == f"{now['Reports']:,}"
    assert tile.delta == f"{(now['Reports'] - then['Reports']) / then['Reports'] * 100:+.0f}%"


def test_changing_a_filter_changes_the_numbers(open_page, demo):
    app = open_page("app_pages/overview.py", query={"period": "national"})
    before = shown(app)["Reports"]
    app.sidebar.multiselect(key="f_channels").set_value(["phone"]).run()
    after = shown(app)["Reports"]
    want = expected(demo, pd.Timestamp("2024-03-14"), pd.Timestamp("2026-10-31"),
                    channels=("phone",))  # fmt: skip
    assert after == f"{want['Reports']:,}" and after != before


def test_a_force_with_no_reports_shows_a_plain_message(open_page):
    app = open_page(
        "app_pages/overview.py",
        query={"period": "custom", "from": "2024-03-01", "to": "2024-03-13"},
    )
    assert any("No reports match" in info.value for info in app.info)
    assert not app.metric


def test_no_change_is_shown_against_a_period_that_is_not_comparable(open_page):
    # the 962 days before the national service are mostly the Met-only pilot, partly no data
    app = open_page("app_pages/overview.py", query={"period": "national"})
    assert all(not metric.delta for metric in app.metric)
    assert any("No change is shown" in caption.value for caption in app.caption)


def test_only_report_tiles_are_compared_with_the_period_before(open_page):
    app = open_page("app_pages/overview.py", query={"period": "fy2025"})
    deltas = {metric.label: metric.delta for metric in app.metric}
    assert deltas["Reports"] and deltas["Online share"] and deltas["Anonymous"]
    later_stages = ("Passed to a force", "Investigations", "Case to answer", "Dismissals",
                    "Removed from policing", "Open cases", "Median days to outcome")  # fmt: skip
    for later_stage in later_stages:
        assert not deltas[later_stage], later_stage


def test_report_path_labels_and_table_agree_in_plain_words(open_page, demo):
    """Defect 2: shares of the stage above only where both stages count the same thing, "–"
    with the reason where not, and no None or column names."""
    app = open_page("app_pages/overview.py", query={"period": "fy2024"}, chart_numbers=True)
    want = expected(demo, pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31"))
    reports, passed, investigated = (want["Reports"], want["Passed to a force"],
                                     want["Investigations"])  # fmt: skip
    chart = chart_spec(app, "How far reports have gone so far")
    bars = chart["data"][0]
    assert "text" not in bars and "texttemplate" not in bars  # no share of the first stage
    assert bars["customdata"][:3] == [
        f"{reports:,} reports",
        f"{passed:,} reports, {passed / reports:.0%} of the stage above",
        f"{investigated:,} referrals",  # referrals after reports: no share
    ]
    named = [note["text"] for note in chart["layout"]["annotations"]]
    assert named[:2] == [
        f"<b>Reports received</b><br>{reports:,} reports",
        f"<b>Passed to a force</b><br>{bars['customdata'][1]}",
    ]
    path = table(app, "Stage")
    assert list(path.columns) == ["Stage", "Counts", "Number", "Share of the stage above"]
    assert path["Number"].tolist()[:3] == [reports, passed, investigated]
    shares = path["Share of the stage above"].tolist()
    assert shares[:3] == [
        "– (first stage)", f"{passed / reports:.0%}", "– (stage above counts reports)",
    ]  # fmt: skip
    # every bar with a share says it, and the table gives the same
    for label, share in zip(bars["customdata"], shares, strict=True):
        assert share.startswith("–") == ("of the stage above" not in label)
        if not share.startswith("–"):
            assert label.endswith(f", {share} of the stage above")
    cells = [str(cell) for cell in path.to_numpy().ravel()]
    assert not any(cell in ("None", "nan", "NaN") for cell in cells)
    assert not any("_" in name for name in path.columns)
    assert column_formats(app, "Stage")["Number"] == "localized"  # thousands separators
    caption = next(c.value for c in app.caption if "“Investigated” counts referrals" in c.value)
    assert "share of reports received" not in caption


def test_partial_first_month_is_noted(open_page, demo):
    """Defect 9: from the national launch (14 March 2024), March has 18 of its 31 days."""
    app = open_page("app_pages/overview.py", query={"period": "national"}, chart_numbers=True)
    notes = [c.value for c in app.caption if "only partly inside the period" in c.value]
    assert len(notes) == 1 and notes[0].endswith(": Mar 2024 (18 of its 31 days).")
    months = table(app, "month")
    march = demo["reports"]["received_date"].between("2024-03-14", "2024-03-31")
    assert months[months["month"] == "2024-03"]["reports"].sum() == march.sum()
    assert column_formats(app, "month")["reports"] == "localized"
    # financial year 2024/25: whole months, inside the as-at date
    whole = open_page("app_pages/overview.py", query={"period": "fy2024"})
    assert not any("only partly inside the period" in c.value for c in whole.caption)


def test_channels_are_named_alike_on_the_overview_and_the_reports_page(open_page):
    """Defect 8: "Phone" and "Online" in the charts' legends and in the sidebar."""
    overview = open_page("app_pages/overview.py", query={"period": "fy2024"})
    monthly = chart_spec(overview, "Reports received each month, by channel")
    assert [trace["name"] for trace in monthly["data"]] == ["Phone", "Online"]
    assert overview.sidebar.multiselect(key="f_channels").options == ["Phone", "Online"]
    reports = open_page("app_pages/reports.py", query={"period": "fy2024"})
    for title in ("Reports received each month", "Reports received each quarter"):
        names = {trace["name"] for trace in chart_spec(reports, title)["data"]}
        assert names == {"Phone", "Online"}, title


@pytest.mark.parametrize(
    ("query", "first", "last", "words", "chosen"),
    [
        ({"period": "fy2025", "force": ["kent", "essex"], "channel": "online"}, "2025-04-01",
         "2026-03-31", "in 2025/26", {"forces": ("kent", "essex"), "channels": ("online",)}),
        ({"period": "fy2024", "role": "officer"}, "2024-04-01", "2025-03-31", "in 2024/25",
         {"roles": ("officer",)}),
    ],
    ids=["kent-essex-online-fy2025", "officers-fy2024"],
)  # fmt: skip
def test_outcomes_decided_beside_the_cohort(open_page, demo, query, first, last, words, chosen):
    app = open_page("app_pages/overview.py", query=query)
    check_decided(app, demo, first, last, words, with_days=False, **chosen)
    # the cohort's own tiles agree with the cohort column
    decided = table(app, "Outcome").set_index("Outcome")
    assert (
        shown(app)["Dismissals"]
        == f"{decided.loc['Dismissals', f'Of reports received {words}, so far']:,}"
    )
