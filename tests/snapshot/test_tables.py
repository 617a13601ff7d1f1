"""The published tables against figures worked out independently, with plain pandas (and
lifelines for Kaplan-Meier), from the demo extract's CSV files, following docs/metrics.md."""

import csv
import datetime as dt
import functools
import io

import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from oversight.snapshot.model import TABLES
from oversight.snapshot.tables import exact_tables
from oversight.snapshot.write import table_csv
from tests.analysis.decided_reference import KINDS, decided_rows, selected_referrals

ENDING = {
    "no_case_to_answer", "false_allegation", "no_further_action", "reflective_practice",
    "management_advice", "written_warning", "final_written_warning", "reduction_in_rank",
    "dismissed", "would_have_been_dismissed",
}  # fmt: skip
FINDINGS = {
    "no_case_to_answer", "false_allegation", "case_to_answer_misconduct",
    "case_to_answer_gross_misconduct",
}  # fmt: skip
PERIODS = {
    "everything": (dt.date(2022, 11, 29), dt.date(2026, 10, 31)),
    "financial year 2024/25": (dt.date(2024, 4, 1), dt.date(2025, 3, 31)),
    # across the national launch: the Met counts every day, the other forces from 14 March
    "January to March 2024": (dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
    # past the as-at date (31 October 2026): the rate's days stop there
    "financial year 2026/27": (dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
}
# The first day each force could be reported to the service: the Met's pilot, then every force.
MET_JOINED = dt.date(2022, 11, 29)
OTHERS_JOINED = dt.date(2024, 3, 14)


@pytest.fixture(scope="module")
def run(demo_database):
    con = connect_read_only(demo_database)
    yield functools.partial(run_query, con)
    con.close()


def as_at_date(demo) -> pd.Timestamp:
    """The latest date anywhere in the extract."""
    return max(
        demo["reports"]["received_date"].max(),
        demo["referrals"]["referred_date"].max(),
        pd.to_datetime(demo["referrals"]["assessed_at"].replace("", None)).max(),
        demo["outcomes"]["decided_date"].max(),
    )


def days_in_service(force_code: str, first: dt.date, last: dt.date) -> int:
    """Days from first to last, both inclusive, on which the force was in the service."""
    joined = MET_JOINED if force_code == "metropolitan" else OTHERS_JOINED
    return max((last - max(first, joined)).days + 1, 0)


def expected_tables(demo, first: dt.date, last: dt.date) -> dict[str, pd.DataFrame]:
    as_at = as_at_date(demo)
    reports = demo["reports"]
    reports = reports[
        (reports["received_date"] >= pd.Timestamp(first))
        & (reports["received_date"] <= pd.Timestamp(last))
    ]
    referrals = demo["referrals"].merge(
        reports[["report_id", "received_date"]], on="report_id", how="inner"
    )
    outcomes = demo["outcomes"]
    has = {
        outcome: set(outcomes.loc[outcomes["outcome"] == outcome, "referral_id"])
        for outcome in outcomes["outcome"].unique()
    }

    def with_outcome(frame, *names):
        ids = set().union(*(has.get(n, set()) for n in names))
        return frame["referral_id"].isin(ids)

    investigations = referrals[referrals["assessment"] == "investigation"]
    ended = outcomes[outcomes["outcome"].isin(ENDING)].groupby("referral_id")["decided_date"].min()
    pending = referrals[referrals["assessment"] == "pending"]
    headline = {
        "reports": len(reports),
        "reports_phone": int((reports["channel"] == "phone").sum()),
        "reports_online": int((reports["channel"] == "online").sum()),
        "anonymous_reports": int((reports["anonymous"].str.lower() == "true").sum()),
        "disseminated_reports": referrals["report_id"].nunique(),
        "referrals": len(referrals),
        "investigations": len(investigations),
        "transferred": int((referrals["assessment"] == "transferred").sum()),
        "case_to_answer": int(
            with_outcome(
                investigations, "case_to_answer_misconduct", "case_to_answer_gross_misconduct"
            ).sum()
        ),
        "false_allegations": int(with_outcome(referrals, "false_allegation").sum()),
        "dismissals": int(with_outcome(referrals, "dismissed").sum()),
        "would_have_been_dismissed": int(
            with_outcome(referrals, "would_have_been_dismissed").sum()
        ),
        "removed_from_policing": int(
            with_outcome(referrals, "dismissed", "would_have_been_dismissed").sum()
        ),
        "barred": int(with_outcome(referrals, "barred").sum()),
        "criminal_charges": int(with_outcome(referrals, "charged").sum()),
        "open_cases": int((~investigations["referral_id"].isin(ended.index)).sum()),
        "awaiting_force_decision": len(pending),
        "awaiting_force_decision_overdue": int(
            ((as_at - pending["referred_date"]).dt.days > 28).sum()
        ),
    }

    forces = demo["forces"]
    counts = reports["subject_force"].value_counts()
    by_force = pd.DataFrame(
        {
            "force_code": [*forces["force_code"], "unknown"],
            "force_name": [*forces["force_name"], "Force not known"],
            "reports": [int(counts.get(code, 0)) for code in [*forces["force_code"], "unknown"]],
            "officer_fte": [*forces["officer_fte"], None],
        }
    )
    # officers times the years in the service within the period, cut at the as-at date
    days = [
        days_in_service(code, first, min(last, as_at.date())) for code in by_force["force_code"]
    ]
    by_force["officer_years"] = by_force["officer_fte"] * days / 365.25
    by_force["reports_per_1000_officers_a_year"] = [
        reports / years * 1000 if years > 0 else None
        for reports, years in zip(by_force["reports"], by_force["officer_years"], strict=True)
    ]
    by_force = by_force.round({"officer_years": 2, "reports_per_1000_officers_a_year": 2})

    carried = reports["category_list"].explode().value_counts()
    categories = ["corrupt_exchange", "abuse_of_position", "sexual_misconduct",
                  "domestic_abuse", "discrimination", "other"]  # fmt: skip
    by_category = pd.DataFrame(
        {"category": categories, "reports": [int(carried.get(c, 0)) for c in categories]}
    )

    months = pd.period_range(first, last, freq="M").strftime("%Y-%m")
    month_counts = reports.groupby(
        [reports["received_date"].dt.strftime("%Y-%m"), "channel"]
    ).size()
    by_month = pd.DataFrame(
        [
            (month, channel, int(month_counts.get((month, channel), 0)))
            for month in months
            for channel in ("phone", "online")
        ],
        columns=["month", "channel", "reports"],
    )

    rows = []
    for code, name in zip(forces["force_code"], forces["force_name"], strict=True):
        received = referrals[referrals["force"] == code]
        if received.empty:
            continue
        invest = received[received["assessment"] == "investigation"]
        rows.append(
            (
                code,
                name,
                len(received),
                len(invest),
                int(
                    with_outcome(
                        invest, "case_to_answer_misconduct", "case_to_answer_gross_misconduct"
                    ).sum()
                ),
                int(with_outcome(received, "dismissed").sum()),
                int(with_outcome(received, "would_have_been_dismissed").sum()),
            )
        )
    outcomes_by_force = pd.DataFrame(
        rows,
        columns=[
            "force_code",
            "force_name",
            "referrals",
            "investigations",
            "case_to_answer",
            "dismissals",
            "would_have_been_dismissed",
        ],  # fmt: skip
    )

    dissemination = (referrals["referred_date"] - referrals["received_date"]).dt.days
    first_finding = (
        outcomes[outcomes["outcome"].isin(FINDINGS)].groupby("referral_id")["decided_date"].min()
    )
    found = referrals[referrals["referral_id"].isin(first_finding.index)]
    finding = (found["referral_id"].map(first_finding) - found["referred_date"]).dt.days
    end = investigations["referral_id"].map(ended)
    durations = (end.fillna(as_at) - investigations["received_date"]).dt.days
    km = KaplanMeierFitter().fit(durations, event_observed=end.notna())
    first_dismissal = (
        outcomes[outcomes["outcome"] == "dismissed"].groupby("referral_id")["decided_date"].min()
    )
    dismissed = referrals[referrals["referral_id"].isin(first_dismissal.index)]
    dismissal = (dismissed["referral_id"].map(first_dismissal) - dismissed["received_date"]).dt.days

    def km_time(q):
        value = km.percentile(q)
        return None if value == float("inf") else float(value)

    timeliness = pd.DataFrame(
        [
            (
                "days_to_dissemination",
                len(dissemination),
                dissemination.median(),
                dissemination.quantile(0.9),
            ),
            ("days_to_finding", len(finding), finding.median(), finding.quantile(0.9)),
            ("days_to_outcome", len(durations), km_time(0.5), km_time(0.1)),
            ("days_to_dismissal", len(dismissal), dismissal.median(), dismissal.quantile(0.9)),
        ],  # fmt: skip
        columns=["measure", "cases", "median_days", "p90_days"],
    )
    # the event view: outcomes decided in the period, of every report whenever received
    decided = decided_rows(
        selected_referrals(demo["reports"], demo["referrals"]), outcomes, first, last
    )
    days_by_measure = [decided.loc[decided["measure"] == m, "days"] for m in KINDS]
    outcomes_decided = pd.DataFrame(
        {
            "measure": list(KINDS),
            "decided": [len(d) for d in days_by_measure],
            "median_days": [d.quantile(0.5) if len(d) else None for d in days_by_measure],
            "p90_days": [d.quantile(0.9) if len(d) else None for d in days_by_measure],
        }
    )
    decided_counts = decided.groupby(["force", "measure"]).size()
    decided_by_force = pd.DataFrame(
        {
            "force_code": forces["force_code"],
            "force_name": forces["force_name"],
            **{
                m: [int(decided_counts.get((code, m), 0)) for code in forces["force_code"]]
                for m in KINDS
            },
        }
    )
    return {
        "headline": pd.DataFrame({"measure": list(headline), "value": list(headline.values())}),
        "reports_by_force": by_force,
        "reports_by_category": by_category,
        "reports_by_month": by_month,
        "outcomes_by_force": outcomes_by_force,
        "timeliness": timeliness,
        "outcomes_decided": outcomes_decided,
        "outcomes_decided_by_force": decided_by_force,
    }


@pytest.mark.parametrize("period", PERIODS)
def test_every_table_matches_an_independent_count(run, demo, period):
    first, last = PERIODS[period]
    as_at = as_at_date(demo).date()
    got = exact_tables(run, Filters(first, last), as_at)
    expected = expected_tables(demo, first, last)
    assert list(got) == [spec.name for spec in TABLES]
    for spec in TABLES:
        table, wanted = got[spec.name], expected[spec.name]
        assert list(table.columns) == list(spec.columns), spec.name
        assert len(table) == len(wanted), spec.name
        for column in spec.columns:
            shown = table[column].tolist()
            hand = [None if pd.isna(v) else v for v in wanted[column].tolist()]
            if column in ("median_days", "p90_days"):
                # days to 0.5 (the check the held-back extract applies)
                for name, a, b in zip(table["measure"], shown, hand, strict=True):
                    assert (a is None) == (b is None), (name, column, a, b)
                    assert a is None or abs(a - b) <= 0.5, (name, column, a, b)
            elif column == "officer_fte":
                assert shown == pytest.approx(hand, nan_ok=True), spec.name
            else:
                assert shown == hand, (spec.name, column)


def test_the_period_changes_the_numbers(run, demo):
    as_at = as_at_date(demo).date()
    everything = exact_tables(run, Filters(*PERIODS["everything"]), as_at)["headline"]
    one_year = exact_tables(run, Filters(*PERIODS["financial year 2024/25"]), as_at)["headline"]
    assert everything["value"].iloc[0] > one_year["value"].iloc[0] > 0


def test_the_csv_gives_rates_a_year_over_days_in_the_service(run, demo):
    """Across the national launch (January to March 2024, 91 days) the Met's rate is over all
    91 days and Kent's over its 18 from 14 March: reports / (officers x days / 365.25) x 1,000,
    written with 2 decimal places beside the officer-years."""
    first, last = PERIODS["January to March 2024"]
    spec = next(spec for spec in TABLES if spec.name == "reports_by_force")
    tables = exact_tables(run, Filters(first, last), as_at_date(demo).date())
    text = table_csv(tables["reports_by_force"], spec).decode("utf-8")
    rows = {row["force_code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert text.splitlines()[0] == (
        "force_code,force_name,reports,officer_fte,officer_years,reports_per_1000_officers_a_year"
    )
    received = demo["reports"]["received_date"]
    reports = demo["reports"][(received >= pd.Timestamp(first)) & (received <= pd.Timestamp(last))][
        "subject_force"
    ].value_counts()
    officers = demo["forces"].set_index("force_code")["officer_fte"]
    for code, days in (("metropolitan", 91), ("kent", 18)):
        years = officers[code] * days / 365.25
        assert rows[code]["reports"] == str(reports[code])
        assert rows[code]["officer_years"] == f"{years:.2f}"
        assert rows[code]["reports_per_1000_officers_a_year"] == (
            f"{reports[code] / years * 1000:.2f}"
        )
    # no officer figure, or force not known: no officer-years and no rate, never 0
    assert rows["unknown"]["officer_years"] == rows["unknown"]["reports_per_1000_officers_a_year"]
    assert rows["unknown"]["reports_per_1000_officers_a_year"] == ""
