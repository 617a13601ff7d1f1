"""Outcomes and timeliness page: every number checked against plain pandas (and lifelines for the
Kaplan-Meier estimate) worked out from the demo extract, and the split of the curve."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.utils import qth_survival_time
from statsmodels.stats.proportion import proportion_confint

from oversight.analysis.outcomes import ALL_SELECTED, outcomes_data
from oversight.filters import Filters
from oversight.settings import PROJECT_ROOT
from tests.analysis.decided_reference import days_shown
from tests.pages.conftest import AS_AT, check_decided, open_chart_numbers, table

PAGE = "app_pages/outcomes.py"
FORCES = pd.read_csv(PROJECT_ROOT / "data" / "forces.csv", dtype={"force_code": str})
PILOT = (pd.Timestamp("2022-11-29"), pd.Timestamp("2024-02-29"))
FINDING = {
    "no_case_to_answer", "false_allegation", "case_to_answer_misconduct",
    "case_to_answer_gross_misconduct",
}  # fmt: skip
ENDING = {
    "no_case_to_answer", "false_allegation", "no_further_action", "reflective_practice",
    "management_advice", "written_warning", "final_written_warning", "reduction_in_rank",
    "dismissed", "would_have_been_dismissed",
}  # fmt: skip
CASE_TO_ANSWER = {"case_to_answer_misconduct", "case_to_answer_gross_misconduct"}
OVERDUE_NOW_TILES = [
    "Awaiting a decision now", "Waiting over 28 days now", "Waiting over 56 days now",
]  # fmt: skip


def cohort(demo, first, last, forces=(), categories=()):
    """Reports of the period naming the forces, and the referrals (to those forces) of all the
    period's reports, each with its first finding, ending and dismissal dates and outcome flags."""
    reports = demo["reports"]
    in_period = reports[reports["received_date"].between(first, last)]
    if categories:
        in_period = in_period[
            in_period["category_list"].map(lambda c: bool(set(c) & {*categories}))
        ]
    mine = in_period[in_period["subject_force"].isin(forces)] if forces else in_period
    referrals = demo["referrals"].merge(
        in_period[["report_id", "received_date", "category_list"]], on="report_id"
    )
    if forces:
        referrals = referrals[referrals["force"].isin(forces)]
    outcomes = demo["outcomes"]

    def first_date(codes):
        chosen = outcomes[outcomes["outcome"].isin(codes)]
        return referrals["referral_id"].map(chosen.groupby("referral_id")["decided_date"].min())

    referrals = referrals.assign(
        finding=first_date(FINDING),
        ended=first_date(ENDING),
        dismissed=first_date({"dismissed"}),
        c2a=first_date(CASE_TO_ANSWER).notna(),
        fa=first_date({"false_allegation"}).notna(),
        nca=first_date({"no_case_to_answer"}).notna(),
        removed=first_date({"dismissed", "would_have_been_dismissed"}).notna(),
    )
    return mine, referrals


def expected(demo, first, last, forces=(), categories=()) -> dict:
    mine, referrals = cohort(demo, first, last, forces, categories)
    inv = referrals[referrals["assessment"] == "investigation"]
    found = inv[inv["finding"].notna()]
    open_cases = inv[inv["ended"].isna()]
    pending = referrals[referrals["assessment"] == "pending"]
    overdue = pending[(AS_AT - pending["referred_date"]).dt.days > 28]
    age = (AS_AT - open_cases["received_date"]).dt.days
    referred = set(demo["referrals"]["report_id"])
    return {
        "reports": len(mine),
        "inv": inv,
        "tiles": {
            "Investigations": len(inv),
            "Open cases": len(open_cases),
            "Open over 365 days": int((age > 365).sum()),
            "Awaiting a force decision": len(pending),
            "Of those, over 28 days": len(overdue),
            # docs/metrics.md: referrals with an outcome false_allegation
            "False allegations found": int(referrals["fa"].sum()),
        },
        "stages": {
            "Dissemination rate": (int(mine["report_id"].isin(referred).sum()), len(mine)),
            "Investigation rate": (
                len(inv),
                len(referrals) - int((referrals["assessment"] == "transferred").sum()),
            ),
            "Case-to-answer rate": (int(found["c2a"].sum()), len(found)),
            "False-allegation rate": (int(found["fa"].sum()), len(found)),
            "Dismissal rate": (int(inv["dismissed"].notna().sum()), len(inv)),
        },
        "ages": [
            int(age.between(0, 90).sum()),
            int(age.between(91, 180).sum()),
            int(age.between(181, 365).sum()),
            int((age > 365).sum()),
        ],  # fmt: skip
        "long_open_by_force": open_cases[age > 365]["force"].value_counts().to_dict(),
        "pending_by_force": pending["force"].value_counts().to_dict(),
        "overdue_by_force": overdue["force"].value_counts().to_dict(),
        "timeliness": {
            "Days to dissemination": (referrals["referred_date"] - referrals["received_date"]),
            "Days to finding": (referrals["finding"] - referrals["referred_date"]),
            "Days to dismissal": (referrals["dismissed"] - referrals["received_date"]),
        },
    }


def km_by_lifelines(inv: pd.DataFrame) -> tuple[float, float]:
    """Median and 90th percentile days to outcome from lifelines on one row per investigation."""
    end = inv["ended"].fillna(AS_AT)
    fitter = KaplanMeierFitter().fit((end - inv["received_date"]).dt.days, inv["ended"].notna())
    return fitter.median_survival_time_, qth_survival_time(0.1, fitter.survival_function_)


def shown_days(value, cases: int | None = None) -> str:
    """Whole days, rounded half up, with the caution over fewer than 10 cases."""
    if value is None or np.isinf(value) or pd.isna(value):
        return "not reached yet"
    return days_shown(value, cases) if cases is not None else f"{int(value + 0.5):,}"


def check_page(app, want) -> None:
    """Every number the page shows, against the hand-made expected values."""
    assert not app.exception, app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    # the cohort's tiles (Overdue now's, whatever the period, are checked in test_overdue_now.py)
    cohort_tiles = {label: metrics[label] for label in want["tiles"]}
    assert cohort_tiles == {label: f"{n:,}" for label, n in want["tiles"].items()}
    assert len(metrics) == len(want["tiles"]) + len(OVERDUE_NOW_TILES)

    stages = table(app, "Stage").set_index("Stage")
    for stage, (moved_on, out_of) in want["stages"].items():
        assert (stages.loc[stage, "Moved on"], stages.loc[stage, "Out of"]) == (moved_on, out_of)
        low, high = proportion_confint(moved_on, out_of, alpha=0.05, method="wilson")
        assert stages.loc[stage, "Rate"] == f"{moved_on / out_of:.1%}"
        assert stages.loc[stage, "95% interval"] == f"{low:.1%} to {high:.1%}"

    timeliness = table(app, "Measure").set_index("Measure")
    for measure, values in want["timeliness"].items():
        days = values.dropna().dt.days
        row = timeliness.loc[measure]
        assert row["Cases measured"] == len(days), measure
        if days.empty:
            assert row["Median (days)"] == row["90th percentile (days)"] == "– (no cases)"
            continue
        assert row["Median (days)"] == shown_days(days.quantile(0.5), len(days)), measure
        assert row["90th percentile (days)"] == shown_days(days.quantile(0.9), len(days)), measure
    median, p90 = km_by_lifelines(want["inv"])
    outcome = timeliness.loc["Days to outcome"]
    assert outcome["Cases measured"] == len(want["inv"])
    assert (outcome["Median (days)"], outcome["90th percentile (days)"]) == (
        shown_days(median, len(want["inv"])),
        shown_days(p90, len(want["inv"])),
    )
    # what each time counts is said in full under the table, not in a column it can cut off
    assert "Counted" not in timeliness.columns
    assert any("**Days to outcome**: from the report" in m.value for m in app.markdown)
    curve = table(app, "Curve").set_index("Curve").loc[ALL_SELECTED]
    assert curve["Median days to outcome"] == shown_days(median, len(want["inv"]))

    ages = table(app, "age_band")
    assert ages["cases"].tolist() == want["ages"]
    long_open = table(app, "Receiving force", having="Oldest (days)")
    if want["long_open_by_force"]:
        names = dict(zip(FORCES["force_code"], FORCES["force_name"], strict=True))
        assert long_open.set_index("Receiving force")["Open more than 365 days"].to_dict() == {
            names[code]: n for code, n in want["long_open_by_force"].items()
        }
    else:
        assert long_open is None
    pending = table(app, "force_code", having="pending")
    if want["pending_by_force"]:
        by_force = pending.set_index("force_code")
        assert by_force["pending"].to_dict() == want["pending_by_force"]
        assert (
            by_force.loc[by_force["overdue"] > 0, "overdue"].to_dict() == want["overdue_by_force"]
        )
    else:
        assert pending is None


def test_met_pilot_and_a_change_of_forces(open_page, demo):
    app = open_page(PAGE, query={"force": "metropolitan"}, chart_numbers=True)
    app.sidebar.selectbox(key="f_period").set_value("pilot").run()
    open_chart_numbers(app)  # for the charts that only a selection with open cases shows
    want = expected(demo, *PILOT, forces=("metropolitan",))
    assert len(want["inv"]) == 728  # the published pilot total
    check_page(app, want)
    assert any("so far, as at 31 Oct 2026" in caption.value for caption in app.caption)

    # other forces over the whole stored period: different numbers, again as worked out by hand
    app.sidebar.selectbox(key="f_period").set_value("all").run()
    app.sidebar.multiselect(key="f_forces").set_value(["kent", "essex"]).run()
    open_chart_numbers(app)  # the chart of pending referrals is new here
    first = demo["reports"]["received_date"].min()
    other = expected(demo, first, AS_AT, forces=("kent", "essex"))
    assert other["tiles"] != want["tiles"]
    check_page(app, other)


def test_outcome_mix_adds_up_to_the_investigations(open_page, demo):
    app = open_page(PAGE, chart_numbers=True)
    app.sidebar.multiselect(key="f_categories").set_value(["sexual_misconduct"]).run()
    want = expected(
        demo, demo["reports"]["received_date"].min(), AS_AT, categories=("sexual_misconduct",)
    )
    check_page(app, want)
    inv = want["inv"]
    groups = np.select(
        [
            inv["ended"].isna() & inv["c2a"], inv["ended"].isna(), inv["removed"], inv["fa"],
            inv["nca"],
        ],
        ["case to answer, awaiting proceedings", "open", "dismissed or would have been",
         "false allegation", "no case to answer"],
        default="case to answer, no dismissal",
    )  # fmt: skip
    mix = table(app, "outcome_group").set_index("outcome_group")["cases"]
    assert (
        mix.to_dict() == pd.Series(groups).value_counts().reindex(mix.index, fill_value=0).to_dict()
    )
    assert (
        mix[table(app, "outcome_group").set_index("outcome_group")["still_open"]].sum()
        == (want["tiles"]["Open cases"])
    )


def test_curve_split_by_force_and_by_category(open_page, demo):
    app = open_page(PAGE)
    want = expected(demo, demo["reports"]["received_date"].min(), AS_AT)
    app.selectbox(key="outcomes_split").set_value("force").run()
    assert not app.exception, app.exception
    names = dict(zip(demo["forces"]["force_code"], demo["forces"]["force_name"], strict=True))
    counts = want["inv"]["force"].value_counts()
    largest = sorted(counts.index, key=lambda code: (-counts[code], names[code]))[:8]
    curves = table(app, "Curve")
    assert curves["Curve"].tolist() == [ALL_SELECTED] + [names[code] for code in largest]
    assert curves["Investigations"].tolist()[1:] == [counts[code] for code in largest]
    assert any(f"of the {len(counts)} with any" in c.value for c in app.caption)
    for code in largest[:2]:
        median, _ = km_by_lifelines(want["inv"][want["inv"]["force"] == code])
        row = curves.set_index("Curve").loc[names[code]]
        assert row["Median days to outcome"] == shown_days(median, int(counts[code]))

    app.selectbox(key="outcomes_split").set_value("category").run()
    assert not app.exception, app.exception
    curves = table(app, "Curve").set_index("Curve")
    carries = want["inv"]["category_list"]
    abuse = want["inv"][carries.map(lambda c: "abuse_of_position" in c)]
    assert curves.loc["Abuse of position", "Investigations"] == len(abuse)
    assert curves.loc["Abuse of position", "Median days to outcome"] == shown_days(
        km_by_lifelines(abuse)[0], len(abuse)
    )
    assert curves["Investigations"].iloc[1:].sum() == carries.map(len).sum()
    assert any("count under each" in c.value for c in app.caption)


def test_a_force_with_no_reports_shows_a_plain_message(open_page):
    app = open_page(PAGE, query={"force": "kent"})
    app.sidebar.selectbox(key="f_period").set_value("pilot").run()
    assert not app.exception, app.exception
    assert any("No reports match" in info.value for info in app.info)
    # only Overdue now, which is the same whatever the period
    assert [metric.label for metric in app.metric] == OVERDUE_NOW_TILES


def fake_runner(frames: dict[str, pd.DataFrame]):
    def run(name, **params):
        return frames[name].copy()

    return run


def tiny_frames(force_count: int) -> dict[str, pd.DataFrame]:
    """Query results for a hand-made selection: 4 investigations, ending on days 5, 5 and 12, and
    one still open (censored) at day 400."""
    durations = pd.DataFrame(
        {"days": [5, 400, 12], "ended": [True, False, True], "cases": [2, 1, 1]}
    )
    by_force = durations.assign(
        force_code="a", force_name="Force A", investigations=4, force_rank=1,
        forces_with_investigations=force_count,
    )  # fmt: skip
    counts = {
        "reports": 10, "disseminated_reports": 4, "referrals": 5, "transferred": 1,
        "referrals_not_transferred": 4, "investigations": 4, "investigations_with_finding": 0,
        "case_to_answer": 0,
        "false_allegations": 0, "dismissals": 0,
        "dissemination_cases": 5, "dissemination_median_days": 3.5, "dissemination_p90_days": 7.2,
        "finding_cases": 0, "finding_median_days": None, "finding_p90_days": None,
        "dismissal_cases": 0, "dismissal_median_days": None, "dismissal_p90_days": None,
    }  # fmt: skip
    counted = pd.concat(
        [
            pd.DataFrame(
                {"part": "outcome", "outcome_group": ["open", "no case to answer"],
                 "cases": [1, 3]}
            ),
            durations.assign(part="duration"),
            pd.DataFrame(
                {"part": ["force"], "force_code": ["a"], "force_name": ["Force A"],
                 "cases": [1], "over_730_days": [0], "median_age_days": [400.0],
                 "oldest_age_days": [400]}
            ),
        ]
    )  # fmt: skip
    return {
        "conversion_and_time_counts": pd.DataFrame([counts]),
        "investigations_by_outcome_and_duration": counted,
        "outcome_durations_by_force": by_force,
        "pending_referrals_by_force": pd.DataFrame({"pending": [2], "overdue": [1]}),
    }


FILTERS = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_kaplan_meier_and_rates_from_hand_made_counts():
    data = outcomes_data(fake_runner(tiny_frames(1)), FILTERS, dt.date(2025, 1, 1))
    # day 5: 2 of 4 end (share open 0.5: the median); day 12: 1 of the 2 left ends (0.25);
    # day 400: the last is still open, so the curve never falls to 0.1: no 90th percentile
    summary = data.curve_summary.iloc[0]
    assert (summary["median_days"], summary["p90_days"]) == (5.0, None)
    assert data.curves["survival"].tolist() == [1.0, 0.5, 0.25, 0.25]
    row = data.timeliness.set_index("measure").loc["days_to_outcome"]
    assert (row["cases"], row["median_days"]) == (4, 5.0)
    assert row["p90_days"] is None or np.isnan(row["p90_days"])
    assert data.open_by_age["cases"].tolist() == [0, 0, 0, 1]
    assert data.outcome_mix["cases"].tolist() == [1, 0, 3, 0, 0, 0]
    assert data.timeliness["measure"].tolist() == [
        "days_to_dissemination", "days_to_finding", "days_to_outcome", "days_to_dismissal",
    ]  # fmt: skip
    # a rate over no cases is not 0: it has no value and says why
    rates = data.conversions.set_index("stage")
    assert rates.loc["investigation", ["numerator", "denominator"]].tolist() == [4, 4]
    assert np.isnan(rates.loc["case_to_answer", "rate"])
    assert rates.loc["case_to_answer", "rate_note"] == "no cases to divide by"
    assert rates.loc["dismissal", "rate"] == 0.0
    assert (data.open_cases, data.pending, data.overdue) == (1, 2, 1)


@pytest.mark.parametrize(("available", "says"), [(1, "(1): Force A"), (30, "of the 30 with any")])
def test_force_split_says_which_forces(available, says):
    data = outcomes_data(
        fake_runner(tiny_frames(available)), FILTERS, dt.date(2025, 1, 1), split="force"
    )
    assert says in data.split_note
    assert data.curve_summary["group"].tolist() == [ALL_SELECTED, "Force A"]


@pytest.mark.parametrize(
    ("query", "first", "last", "words", "chosen"),
    [
        ({"period": "fy2025", "force": "kent"}, "2025-04-01", "2026-03-31", "in 2025/26",
         {"forces": ("kent",)}),
        ({"period": "pilot", "role": "staff", "category": "sexual_misconduct"}, "2022-11-29",
         "2024-02-29", "from 29 Nov 2022 to 29 Feb 2024",
         {"roles": ("staff",), "categories": ("sexual_misconduct",)}),
    ],
    ids=["kent-fy2025", "pilot-staff-sexual-misconduct"],
)  # fmt: skip
def test_outcomes_decided_beside_the_cohort(open_page, demo, query, first, last, words, chosen):
    app = open_page(PAGE, query=query)
    check_decided(app, demo, first, last, words, with_days=True, **chosen)
    assert any(f"Outcomes decided {words}, and of the reports" in h.value for h in app.header)


def test_few_cases_carry_a_caution(open_page, demo):
    """Kent's 3 dismissals of 2025/26 (the issue's example): their days, and any other time
    over fewer than 10 cases, say so."""
    app = open_page(PAGE, query={"period": "fy2025", "force": "kent"})
    want = expected(demo, pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31"), ("kent",))
    dismissal = want["timeliness"]["Days to dismissal"].dropna().dt.days
    assert len(dismissal) == 3
    row = table(app, "Measure").set_index("Measure").loc["Days to dismissal"]
    for column, q in (("Median (days)", 0.5), ("90th percentile (days)", 0.9)):
        whole = int(dismissal.quantile(q) + 0.5)
        assert row[column] == f"{whole:,} (based on 3 cases: read with care)"
