"""The Fairness page: shares and relative rates by subject ethnicity or sex, stage by stage.

Expected values are computed here with plain pandas from the demo extract (the `demo` fixture),
and the relative rates' Katz log intervals by hand, never copied from the program's output.
"""

import datetime as dt
import math

import pandas as pd
import pytest

from oversight.analysis.fairness import CHARACTERISTICS, reading, stage_rates
from tests.pages.conftest import open_chart_numbers

PAGE = "app_pages/fairness.py"
Z95 = 1.959963984540054  # standard normal 97.5% quantile
PILOT = (pd.Timestamp("2022-11-29"), pd.Timestamp("2024-02-29"))
FINDINGS = (
    "no_case_to_answer",
    "false_allegation",
    "case_to_answer_misconduct",
    "case_to_answer_gross_misconduct",
)
CASE_TO_ANSWER = ("case_to_answer_misconduct", "case_to_answer_gross_misconduct")
LABELS = {
    "ethnicity": {"white": "White", "asian": "Asian", "black": "Black", "mixed": "Mixed",
                  "other": "Other ethnic group", "not_stated": "Not stated"},
    "sex": {"male": "Male", "female": "Female", "other": "Other", "not_stated": "Not stated"},
}  # fmt: skip
STEPS = {
    # step label: (entered, moved on)
    "Report → investigation": ("reports", "reports_investigated"),
    "Investigation → case to answer": ("with_finding", "case_to_answer"),
    "Case to answer → dismissal": ("case_to_answer", "dismissed_after_case"),
}


def expected_counts(
    demo, first, last, forces=(), characteristic="ethnicity", roles=()
) -> pd.DataFrame:
    """Counts per group worked out from the extract: one row per group label."""
    column = f"subject_{characteristic}"
    reports = demo["reports"]
    in_period = reports[reports["received_date"].between(first, last)].copy()
    if roles:
        in_period = in_period[in_period["subject_role"].isin(roles)]
    in_period["code"] = in_period[column].replace("", "not_stated")
    about = in_period[in_period["subject_force"].isin(forces)] if forces else in_period
    referrals = demo["referrals"].merge(in_period[["report_id", "code"]], on="report_id")
    if forces:
        referrals = referrals[referrals["force"].isin(forces)]
    outcomes = demo["outcomes"]

    def referrals_with(codes) -> set:
        return set(outcomes.loc[outcomes["outcome"].isin(codes), "referral_id"])

    investigations = referrals[referrals["assessment"] == "investigation"]
    finding = investigations["referral_id"].isin(referrals_with(FINDINGS))
    case = investigations["referral_id"].isin(referrals_with(CASE_TO_ANSWER))
    dismissed_ids = referrals_with(["dismissed"])
    investigated_reports = about[about["report_id"].isin(investigations["report_id"])]
    counts = pd.DataFrame(
        {
            "reports": about["code"].value_counts(),
            "reports_investigated": investigated_reports["code"].value_counts(),
            "investigations": investigations["code"].value_counts(),
            "with_finding": investigations.loc[finding, "code"].value_counts(),
            "case_to_answer": investigations.loc[case, "code"].value_counts(),
            "dismissals": referrals.loc[
                referrals["referral_id"].isin(dismissed_ids), "code"
            ].value_counts(),
            "dismissed_after_case": investigations.loc[
                case & investigations["referral_id"].isin(dismissed_ids), "code"
            ].value_counts(),
        }
    )
    labels = LABELS[characteristic]
    counts = counts.reindex(list(labels)).fillna(0).astype(int)
    counts.index = [labels[code] for code in counts.index]
    return counts


def katz(a, n1, c, n2) -> tuple[float, float, float]:
    """Relative rate (a/n1)/(c/n2) with its 95% log (Katz) interval, by hand."""
    ratio = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return ratio, ratio * math.exp(-Z95 * se), ratio * math.exp(Z95 * se)


def shown_frame(app, column: str) -> pd.DataFrame:
    """The one dataframe on the page that has this column."""
    frames = [d.value for d in app.dataframe if column in d.value.columns]
    assert len(frames) == 1, [list(d.value.columns) for d in app.dataframe]
    return frames[0]


def check_shares(app, expected: pd.DataFrame) -> None:
    shares = shown_frame(app, "share_note")
    for stage, column in (
        ("Reports", "reports"),
        ("Investigations", "investigations"),
        ("Cases to answer", "case_to_answer"),
        ("Dismissals", "dismissals"),
    ):
        part = shares[shares["stage"] == stage].set_index("group")
        assert part["count"].to_dict() == expected[column].to_dict(), stage
        total = expected[column].sum()
        assert (part["total"] == total).all()
        for group, count in expected[column].items():
            assert part.loc[group, "share"] == pytest.approx(count / total, rel=1e-12)
    # fmt: skip


def check_ratios(app, expected: pd.DataFrame, reference: str) -> int:
    """Every ratio shown matches the hand computation; returns how many were checked."""
    ratios = shown_frame(app, "relative_rate_note")
    checked = 0
    for step, (entered, moved_on) in STEPS.items():
        part = ratios[ratios["stage"] == step].set_index("group")
        ref_n, ref_a = expected.loc[reference, entered], expected.loc[reference, moved_on]
        for group in expected.index:
            n, a = expected.loc[group, entered], expected.loc[group, moved_on]
            row = part.loc[group]
            assert (row["entered"], row["moved_on"]) == (n, a), (step, group)
            if group in (reference, "Not stated"):
                continue
            if n < 10 or ref_n < 10 or a == 0 or ref_a == 0:
                assert math.isnan(row["relative_rate"]) and row["relative_rate_note"], (step, group)
                continue
            ratio, low, high = katz(a, n, ref_a, ref_n)
            assert row["relative_rate"] == pytest.approx(ratio, rel=1e-12)
            assert row["relative_rate_low"] == pytest.approx(low, rel=1e-12)
            assert row["relative_rate_high"] == pytest.approx(high, rel=1e-12)
            checked += 1
    return checked


def test_renders_all_reports_with_reading_from_the_numbers(open_page, demo):
    app = open_page(PAGE, chart_numbers=True)
    assert [t.value for t in app.title] == ["Fairness"]
    first, last = demo["reports"]["received_date"].min(), demo["reports"]["received_date"].max()
    expected = expected_counts(demo, first.normalize(), last.normalize())
    check_shares(app, expected)
    assert check_ratios(app, expected, "White") >= 10

    # The reading names exactly the groups whose interval excludes 1, with its numbers.
    text = "\n".join(m.value for m in app.markdown)
    differing = []
    for step, (entered, moved_on) in STEPS.items():
        ref_n, ref_a = expected.loc["White", entered], expected.loc["White", moved_on]
        for group in ("Asian", "Black", "Mixed", "Other ethnic group"):
            n, a = expected.loc[group, entered], expected.loc[group, moved_on]
            if min(n, ref_n) >= 10 and min(a, ref_a) > 0:
                ratio, low, high = katz(a, n, ref_a, ref_n)
                if low > 1 or high < 1:
                    differing.append(step)
                    assert f"{ratio:.2f} times as often" in text
                    assert f"(95% interval {low:.2f} to {high:.2f}; {a:,} of {n:,}" in text
    # the demo plants a higher case-to-answer rate for Asian and Black subjects
    assert "Investigation → case to answer" in differing
    assert f"first appears at the step **{differing[0].lower()}**" in text
    assert text.count("times as often") == len(differing)
    assert any("synthetic demonstration data" in i.value for i in app.info)


def test_force_and_period_from_the_url_change_the_numbers(open_page, demo):
    # the force through the URL, the period through its widget (a period from the URL does
    # not yet survive the move from the Overview page to this one)
    app = open_page(PAGE, query={"force": "metropolitan"}, chart_numbers=True)
    all_shares = shown_frame(app, "share_note")
    app.sidebar.selectbox(key="f_period").set_value("pilot").run()
    assert not app.exception
    expected = expected_counts(demo, *PILOT, forces=("metropolitan",))
    check_shares(app, expected)
    check_ratios(app, expected, "White")
    pilot_shares = shown_frame(app, "share_note")
    assert pilot_shares["count"].sum() < all_shares["count"].sum()
    assert not pilot_shares["share"].equals(all_shares["share"])
    # a group with fewer than 10 at a step shows a dash and says why
    table = shown_frame(app, "Relative rate (95% interval)")
    shown = table.set_index(["Step", "Group"])["Relative rate (95% interval)"]
    small = table[(table["Entered the step"] < 10) & ~table["Group"].isin(["White", "Not stated"])]
    assert not small.empty
    assert small["Relative rate (95% interval)"].str.startswith("– fewer than 10 ").all()
    not_stated = shown.xs("Not stated", level="Group")
    assert (not_stated == "– not a comparison group (not recorded)").all()
    assert (shown.xs("White", level="Group") == "1 (reference group)").all()
    n, a = expected.loc["Asian", "reports"], expected.loc["Asian", "reports_investigated"]
    ref_n, ref_a = expected.loc["White", "reports"], expected.loc["White", "reports_investigated"]
    ratio, low, high = katz(a, n, ref_a, ref_n)
    assert shown[("Report → investigation", "Asian")] == f"{ratio:.2f} ({low:.2f} to {high:.2f})"


def test_sex_and_a_force_chosen_in_the_sidebar(open_page, demo):
    app = open_page(PAGE, query={"period": "national"}, chart_numbers=True)
    app.radio(key="fairness_characteristic").set_value("sex").run()
    app.sidebar.multiselect(key="f_forces").set_value(["west_midlands", "merseyside"]).run()
    assert not app.exception
    open_chart_numbers(app)  # the charts by sex have boxes of their own
    first = pd.Timestamp("2024-03-14")
    last = demo["reports"]["received_date"].max().normalize()
    expected = expected_counts(demo, first, last, ("west_midlands", "merseyside"), "sex")
    check_shares(app, expected)
    check_ratios(app, expected, "Male")
    assert any("the male group" in m.value for m in app.markdown)


def test_officers_alone_from_the_url(open_page, demo):
    app = open_page(PAGE, query={"period": "national", "role": "officer"}, chart_numbers=True)
    first = pd.Timestamp("2024-03-14")
    last = demo["reports"]["received_date"].max().normalize()
    expected = expected_counts(demo, first, last, roles=("officer",))
    every_role = expected_counts(demo, first, last)
    assert 0 < expected["reports"].sum() < every_role["reports"].sum()
    check_shares(app, expected)
    assert check_ratios(app, expected, "White") >= 5
    caption = next(c.value for c in app.caption if "People reported" in c.value)
    assert "role: officer" in caption and "People reported: officers only." in caption
    assert not [b for b in app.button if b.key == "fairness_officers_only"]


def test_the_officers_only_button_sets_the_role_filter(open_page, demo):
    app = open_page(PAGE, query={"period": "pilot"})
    caption = next(c.value for c in app.caption if "People reported" in c.value)
    assert "People reported: every role (officers, staff, volunteers and people" in caption
    app.button(key="fairness_officers_only").click().run()
    assert not app.exception
    assert app.sidebar.multiselect(key="f_subject_roles").value == ["officer"]
    assert app.query_params["role"] == "officer"
    app = open_chart_numbers(app)
    check_shares(app, expected_counts(demo, *PILOT, roles=("officer",)))


def test_empty_selection_shows_a_plain_message(open_page):
    app = open_page(PAGE)
    app.sidebar.selectbox(key="f_period").set_value("custom").run()
    # between the end of the Met pilot and the national launch no reports were received
    app.sidebar.date_input(key="f_dates").set_value(
        (dt.date(2024, 3, 1), dt.date(2024, 3, 13))
    ).run()
    assert not app.exception
    assert any("No reports match" in i.value for i in app.info)
    assert not app.dataframe


def _counts(rows: dict[str, tuple[int, ...]]) -> pd.DataFrame:
    columns = ("reports", "reports_investigated", "investigations", "investigations_with_finding",
               "case_to_answer", "dismissals", "dismissals_after_case_to_answer")  # fmt: skip
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(columns))
    frame.index.name = "group_code"
    frame = frame.reset_index()
    frame.insert(1, "group", frame["group_code"].str.title())
    return frame


def test_stage_rates_notes_and_ratio_by_hand():
    counts = _counts(
        {
            "white": (200, 40, 40, 40, 20, 2, 2),
            "asian": (9, 3, 3, 3, 1, 0, 0),
            "black": (100, 35, 35, 30, 25, 1, 1),
            "mixed": (50, 0, 0, 0, 0, 0, 0),
            "other": (0, 0, 0, 0, 0, 0, 0),
            "not_stated": (80, 20, 20, 20, 10, 1, 1),
        }
    )
    rates = stage_rates(counts, CHARACTERISTICS["ethnicity"]).set_index(["stage_key", "group_code"])
    black = rates.loc[("investigation", "black")]
    ratio, low, high = katz(35, 100, 40, 200)
    assert (black["relative_rate"], black["relative_rate_low"], black["relative_rate_high"]) == (
        pytest.approx(ratio, rel=1e-12), pytest.approx(low, rel=1e-12),
        pytest.approx(high, rel=1e-12),
    )  # fmt: skip
    assert black["differs"]  # 1.75 (1.29 to 2.37)
    notes = rates["relative_rate_note"]
    assert notes[("investigation", "asian")] == "fewer than 10 reports in this group"
    assert notes[("investigation", "mixed")].startswith("none moved on in this group")
    assert notes[("investigation", "other")] == "fewer than 10 reports in this group"
    assert rates.loc[("investigation", "other"), "rate_note"] == "no cases to divide by"
    assert notes[("investigation", "not_stated")] == "not a comparison group (not recorded)"
    assert rates.loc[("investigation", "white"), "relative_rate"] == 1.0
    # the White group has only 20 cases to answer, 2 dismissed: fine; but at least 10 entered
    assert notes[("dismissal", "black")] == ""
    # the reference group too small: no group gets a ratio at that step
    small_reference = counts.assign(
        investigations_with_finding=counts["investigations_with_finding"].where(
            counts["group_code"] != "white", 9
        ),
        case_to_answer=counts["case_to_answer"].where(counts["group_code"] != "white", 5),
    )
    rates = stage_rates(small_reference, CHARACTERISTICS["ethnicity"]).set_index(
        ["stage_key", "group_code"]
    )
    assert rates.loc[("case_to_answer", "black"), "relative_rate_note"] == (
        "fewer than 10 investigations with a finding in the White group"
    )
    assert math.isnan(rates.loc[("case_to_answer", "black"), "relative_rate"])


def test_reading_when_nothing_can_be_compared_or_nothing_differs():
    tiny = _counts({code: (5, 1, 1, 1, 1, 0, 0) for code in ("male", "female", "other",
                                                              "not_stated")})  # fmt: skip
    sex = CHARACTERISTICS["sex"]
    lines = reading(stage_rates(tiny, sex), sex, pd.Timestamp("2026-10-31").date())
    assert lines == [
        "No group can be compared with the male group at any step: at each, a group has fewer "
        "than 10, or none moved on."
    ]
    even = _counts({code: (100, 20, 20, 20, 10, 2, 2) for code in ("male", "female", "other",
                                                                   "not_stated")})  # fmt: skip
    lines = reading(stage_rates(even, sex), sex, pd.Timestamp("2026-10-31").date())
    assert lines[0].startswith("At no step is any group's rate clearly different from the male")
    assert "times as often" not in " ".join(lines)
