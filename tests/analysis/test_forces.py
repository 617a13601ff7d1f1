"""The Forces page's analysis (oversight/analysis/forces.py, force_trends.py, force_page.py,
force_view.py): trend periods, the median days to outcome with its interval, the conversion
trend, the peers one by one, and the audit of what a force user may see. Expected values are
worked out by hand on tiny frames, or with plain pandas from the demo extract."""

import datetime as dt
import functools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from oversight.analysis.force_page import choose_focus, forces_table_formats
from oversight.analysis.force_trends import (
    CONVERSION_COLUMNS,
    MEDIAN_NOT_REACHED,
    NO_INVESTIGATIONS,
    UPPER_NOT_REACHED,
    TrendPeriods,
    conversion_trend,
    counts_by_period,
    median_days_with_interval,
    period_label,
    period_starts,
    trend_periods,
)
from oversight.analysis.force_view import discloses, force_user_view, trend_lines_shown
from oversight.analysis.forces import MEASURES, forces_data, peer_rates, peer_table
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from oversight.status import data_status

Z = stats.norm.ppf(0.975)


def wilson(x: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval, by its formula (its ends are exactly 0 and 1 at x = 0 and
    x = n, where rounding would leave -0.0)."""
    p = x / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def test_trend_periods_are_calendar_quarters_cut_at_the_as_at_date():
    filters = Filters(dt.date(2025, 5, 15), dt.date(2026, 3, 31))
    periods = trend_periods(filters, dt.date(2025, 11, 2), "quarter")
    assert periods.starts == (dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1))
    assert periods.labels == ["Apr–Jun 2025", "Jul–Sep 2025", "Oct–Dec 2025"]
    assert periods.ends[-1] == dt.date(2025, 12, 31)
    # the first quarter starts before the period, the last runs past the as-at date
    assert periods.whole == [False, True, False]
    position, inside = periods.index(["2025-03-01", "2025-04-01", "2025-06-01", "2025-12-01"])
    assert position.tolist() == [-1, 0, 0, 2]
    assert inside.tolist() == [False, True, True, True]
    assert period_starts(dt.date(2024, 12, 3), dt.date(2025, 2, 1), "month") == [
        dt.date(2024, 12, 1),
        dt.date(2025, 1, 1),
        dt.date(2025, 2, 1),
    ]
    assert period_label(dt.date(2024, 10, 1), "quarter") == "Oct–Dec 2024"
    assert period_label(dt.date(2024, 10, 1), "month") == "Oct 2024"


# Ten investigations: days to outcome, and whether the case ended (else open, censored)
DAYS = [3, 5, 5, 8, 10, 12, 12, 15, 20, 25]
ENDED = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1]


def hand_median_interval(days, ended):
    """The Kaplan-Meier median and its Brookmeyer-Crowley interval, step by step: the
    product-limit curve, Greenwood's variance, the log(-log) 95% band, and the first days on
    which the curve and the band's edges fall to one half."""
    survival, greenwood, rows = 1.0, 0.0, []
    for day in sorted(set(days)):
        at_risk = sum(d >= day for d in days)
        events = sum(1 for d, e in zip(days, ended, strict=True) if d == day and e)
        if events:
            survival *= 1 - events / at_risk
            if events < at_risk:
                greenwood += events / (at_risk * (at_risk - events))
        if survival in (0, 1):
            low = high = survival
        else:
            spread = math.exp(Z * math.sqrt(greenwood) / abs(math.log(survival)))
            low, high = survival**spread, survival ** (1 / spread)
        rows.append((day, survival, low, high))

    def first(column):
        return next((row[0] for row in rows if row[column] <= 0.5), math.nan)

    return first(1), first(2), first(3)


def test_median_days_to_outcome_and_its_interval_by_hand_and_by_lifelines():
    """By hand: the curve is 0.9, 0.8, 0.686, 0.571 and on day 12 0.457, the median; the band's
    lower edge falls below one half on day 3, its upper edge on day 25."""
    ones = np.ones(len(DAYS), dtype=int)
    got = median_days_with_interval(np.array(DAYS), np.array(ENDED, dtype=bool), ones)
    assert got == hand_median_interval(DAYS, ENDED) == (12, 3, 25)
    # aggregated: the same cases as (day, ended, cases) rows give the same answer
    frame = pd.DataFrame({"days": DAYS, "ended": ENDED}).value_counts().reset_index()
    assert median_days_with_interval(frame["days"], frame["ended"], frame["count"]) == got
    lifelines = pytest.importorskip("lifelines")
    from lifelines.utils import median_survival_times

    fitted = lifelines.KaplanMeierFitter().fit(DAYS, ENDED)
    interval = median_survival_times(fitted.confidence_interval_)
    assert (fitted.median_survival_time_, *interval.iloc[0].tolist()) == got


def test_median_not_reached_and_no_cases():
    # four of ten ended: the curve stays above one half
    days, ended = [5, 6, 7, 8, 30, 30, 30, 30, 30, 30], [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    median, low, high = median_days_with_interval(np.array(days), np.array(ended), np.ones(10))
    assert math.isnan(median) and math.isnan(high)
    assert low == hand_median_interval(days, ended)[1]
    assert all(math.isnan(v) for v in median_days_with_interval([], [], []))


def tiny_periods() -> TrendPeriods:
    return trend_periods(Filters(dt.date(2025, 4, 1), dt.date(2025, 9, 30)), dt.date(2026, 1, 1),
                         "quarter")  # fmt: skip


def test_counts_by_period_with_no_month_gives_zeros():
    """A selection with no report in any month (a category the pilot never saw, say) gives
    every force and period a zero, not an error (it crashed the Forces page)."""
    empty = pd.DataFrame({"force_code": pd.Series([], dtype=object),
                          "month_start": pd.to_datetime(pd.Series([], dtype=object)),
                          "reports": pd.Series([], dtype="int64")})  # fmt: skip
    counted = counts_by_period(tiny_periods(), empty, ("reports",), ["a", "b"])
    assert counted["force_code"].tolist() == ["a", "a", "b", "b"]
    assert counted["reports"].tolist() == [0, 0, 0, 0]


def test_conversion_trend_adds_each_groups_forces_and_months_into_quarters():
    """Forces a and b make the group; c is outside it. Quarter 1 (April to June): a has 3 of 4
    referrals investigated in April and 1 of 2 in June, b 2 of 4 in May: 6 of 10. Quarter 2:
    only c, so the group has no referrals to divide by."""
    conversions = pd.DataFrame(
        {
            "force_code": ["a", "a", "b", "c", "c"],
            "month_start": pd.to_datetime(
                ["2025-04-01", "2025-06-01", "2025-05-01", "2025-05-01", "2025-08-01"]
            ),
            "referrals_not_transferred": [4, 2, 4, 9, 9],
            "investigations": [3, 1, 2, 9, 9],
            "investigations_with_finding": [2, 1, 1, 0, 0],
            "case_to_answer": [1, 1, 0, 0, 0],
        }
    )
    durations = pd.DataFrame(
        {
            "month_start": pd.to_datetime(["2025-04-01"] * len(DAYS)),
            "days": DAYS,
            "ended": np.array(ENDED, dtype=bool),
            "cases": 1,
        }
    )
    group = conversions["force_code"].isin(["a", "b"]).to_numpy()
    trend = conversion_trend(tiny_periods(), conversions, {"peers": durations},
                             [("peers", "Peers", group)])  # fmt: skip
    by = trend.set_index(["measure_key", "period"])
    first = by.loc[("investigation_rate", "Apr–Jun 2025")]
    assert (first["numerator"], first["denominator"]) == (6, 10)
    assert first["value"] == pytest.approx(0.6)
    assert (first["low"], first["high"]) == pytest.approx(wilson(6, 10))
    answer = by.loc[("case_to_answer_rate", "Apr–Jun 2025")]
    assert (answer["numerator"], answer["denominator"]) == (2, 4)
    empty = by.loc[("investigation_rate", "Jul–Sep 2025")]
    assert empty["denominator"] == 0 and math.isnan(empty["value"])
    assert empty["note"] == "no cases to divide by"
    median = by.loc[("median_days_to_outcome", "Apr–Jun 2025")]
    assert (median["value"], median["low"], median["high"]) == (12, 3, 25)
    assert (median["numerator"], median["denominator"]) == (sum(ENDED), len(DAYS))
    assert median["note"] == ""
    assert by.loc[("median_days_to_outcome", "Jul–Sep 2025"), "note"] == NO_INVESTIGATIONS
    assert set(trend["group"]) == {"Peers"} and trend["whole_period"].all()


def test_the_medians_notes_say_why_a_value_is_missing():
    durations = pd.DataFrame(
        {
            "month_start": pd.to_datetime(["2025-04-01"] * 3 + ["2025-07-01"] * 3),
            "days": [10, 20, 40, 10, 40, 40],
            "ended": [True, True, False, True, False, False],
            "cases": [1, 1, 1, 1, 1, 1],
        }
    )
    no_referrals = pd.DataFrame(
        columns=["force_code", "month_start", "referrals_not_transferred", "investigations",
                 "investigations_with_finding", "case_to_answer"]
    )  # fmt: skip
    trend = conversion_trend(tiny_periods(), no_referrals.astype({"month_start": "datetime64[s]"}),
                             {"force": durations}, [("force", "A", np.zeros(0, bool))])  # fmt: skip
    notes = trend.loc[trend["measure_key"] == "median_days_to_outcome", "note"].tolist()
    # two of three ended by day 20 (median 20, the band's upper edge stays above one half);
    # one of three ended: no median
    assert notes == [UPPER_NOT_REACHED, MEDIAN_NOT_REACHED]


def tiny_rates() -> tuple[pd.DataFrame, pd.DataFrame]:
    """ForcesData.rates for a force and two groups, and all_forces for three forces, on one
    measure each worked out by hand (reports per 1,000 officers a year is left as given)."""
    measure = MEASURES["investigation_rate"]
    groups = pd.DataFrame(
        {
            "measure_key": measure.key,
            "measure": measure.label,
            "group_kind": ["force", "peers", "nation"],
            "group": ["Force A", "Most similar forces", "England and Wales"],
            "numerator": [1, 9, 30],
            "denominator": [2, 12, 40],
            "rate": [50.0, 75.0, 75.0],
            "rate_low": [1.0, 2.0, 3.0],
            "rate_high": [4.0, 5.0, 6.0],
            "rate_note": "",
            "shown": ["x", "y", "z"],
        }
    )
    forces = pd.DataFrame(
        {
            "force_code": ["a", "b", "c"],
            "force": ["A", "B", "C"],
            "investigations": [1, 4, 5],
            "referrals_not_transferred": [2, 4, 8],
        }
    )
    forces["investigation_rate"] = forces["investigations"] / forces["referrals_not_transferred"]
    counted = zip(forces["investigations"], forces["referrals_not_transferred"], strict=True)
    low_high = [wilson(x, n) for x, n in counted]
    forces["investigation_rate_low"] = [low for low, _ in low_high]
    forces["investigation_rate_high"] = [high for _, high in low_high]
    forces["investigation_rate_note"] = ""
    for other in MEASURES.values():
        if other.key != measure.key:
            forces[[other.key, f"{other.key}_low", f"{other.key}_high"]] = np.nan
            forces[f"{other.key}_note"] = "not worked out here"
            forces[other.numerator] = forces.get(other.numerator, 0)
            forces[other.denominator] = forces.get(other.denominator, 0)
    return groups, forces


def test_peer_rates_put_each_peer_between_the_force_and_the_groups():
    groups, forces = tiny_rates()
    rates = peer_rates(groups, forces, ("c", "b"))
    rows = rates.loc[rates["measure_key"] == "investigation_rate"]
    assert rows["group"].tolist() == ["Force A", "C", "B", "Most similar forces",
                                      "England and Wales"]  # fmt: skip
    assert rows["group_kind"].tolist() == ["force", "peer", "peer", "peers", "nation"]
    c = rows.iloc[1]
    assert (c["numerator"], c["denominator"], c["force_code"]) == (5, 8, "c")
    assert c["rate"] == pytest.approx(62.5)
    low, high = wilson(5, 8)
    assert c["shown"] == f"62.5% ({low:.1%} to {high:.1%})"
    table = peer_table(rates).set_index("Force or group")
    assert table.at["B", "Investigation rate"] == "100.0% (51.0% to 100.0%)"
    assert table.at["Most similar forces", "Investigation rate"] == "y"
    # a measure the groups do not have: "–" for them
    assert table.at["Force A", "Dismissal rate"] == "–"


def test_choose_focus_follows_the_url_then_the_page_then_the_sidebar():
    names = {"kent": "Kent", "essex": "Essex", "metropolitan": "Metropolitan Police"}
    assert choose_focus(names, None, None, "essex", "kent", None) == "essex"
    assert choose_focus(names, None, "kent", "nowhere", None, None) == "kent"
    assert choose_focus(names, None, None, None, None, None) == "metropolitan"
    assert choose_focus({"kent": "Kent"}, None, None, None, None, None) == "kent"
    # a force chosen on the page stays until the sidebar's first force changes
    assert choose_focus(names, "essex", None, None, "kent", "kent") == "essex"
    assert choose_focus(names, "essex", None, None, "kent", "metropolitan") == "kent"


def test_the_forces_table_shows_counts_with_thousands_separators():
    per_officer = forces_table_formats(MEASURES["reports_per_1000_officers"])
    assert per_officer == {
        "Reports": "%,d",
        "Officer-years in the service": "%,.0f",
        "Reports per 1,000 officers a year": "%,.1f",
        "95% from": "%,.1f",
        "95% to": "%,.1f",
    }
    dismissals = forces_table_formats(MEASURES["dismissal_rate"])
    assert dismissals["Dismissals"] == dismissals["Investigations"] == "%,d"


def vector(*values) -> np.ndarray:
    return np.array(values, dtype=np.int64)


@pytest.mark.parametrize(
    ("candidate", "shown", "counts", "disclosed"),
    [
        # the region's other forces have 3 reports between them
        (vector(1, 1, 0), [vector(0, 0, 0)], vector(2, 1, 50), True),
        (vector(1, 1, 0), [vector(0, 0, 0)], vector(2, 3, 50), False),
        # a region of one other force is that force's figure, whatever it is
        (vector(1, 0, 0), [vector(0, 0, 0)], vector(20, 0, 0), True),
        # only one of the region's other forces has any: its own figure
        (vector(1, 1, 1), [], vector(0, 7, 0), True),
        # England and Wales less the region is 3
        (vector(1, 1, 1, 1), [vector(1, 1, 0, 0)], vector(10, 10, 2, 1), True),
        (vector(1, 1, 1, 1), [vector(1, 1, 0, 0)], vector(10, 10, 3, 3), False),
        # England and Wales less a region and peers that do not overlap: the last two, 3
        (vector(1, 1, 1, 1, 1, 1), [vector(1, 1, 0, 0, 0, 0), vector(0, 0, 1, 1, 0, 0)],
         vector(5, 5, 5, 5, 1, 2), True),
        # peers and region overlapping in one force: no set of forces, but they differ by 3
        (vector(1, 1, 0), [vector(0, 1, 1)], vector(10, 5, 7), True),
        (vector(1, 1, 0), [vector(0, 1, 1)], vector(10, 5, 20), False),
    ],
)  # fmt: skip
def test_discloses_small_counts_of_other_forces(candidate, shown, counts, disclosed):
    assert discloses(candidate, shown, counts, 5) is disclosed


@pytest.fixture(scope="module")
def demo_run(demo_database):
    con = connect_read_only(demo_database)
    yield functools.partial(run_query, con), data_status(con).as_at_date
    con.close()


FY2025 = Filters(dt.date(2025, 4, 1), dt.date(2026, 3, 31), "fy2025")


def test_trend_counts_by_force_add_up_to_the_trend_lines(demo_run):
    """Every force's counts per quarter, which the audit reads, add up to the lines drawn."""
    run, as_at = demo_run
    data = forces_data(run, FY2025, as_at, "kent", "quarter")
    by_force = data.trend_counts_by_force
    nation = set(data.all_forces.loc[data.all_forces["nation"].isin(["england", "wales"]),
                                     "force_code"])  # fmt: skip
    for kind, codes in (("force", {"kent"}), ("peers", set(data.peers)), ("nation", nation)):
        summed = by_force.loc[by_force["force_code"].isin(codes)].groupby("period_start").sum()
        line = data.trend.loc[data.trend["group_kind"] == kind].set_index("period_start")
        assert summed["reports"].reindex(line.index, fill_value=0).tolist() == (
            line["reports"].tolist()
        ), kind
        rate = data.conversion_trend
        rate = rate.loc[
            (rate["group_kind"] == kind) & (rate["measure_key"] == "investigation_rate")
        ]
        assert summed["investigations"].reindex(rate["period_start"], fill_value=0).tolist() == (
            rate["numerator"].tolist()
        ), kind
        median = data.conversion_trend
        median = median.loc[(median["group_kind"] == kind)
                            & (median["measure_key"] == "median_days_to_outcome")]  # fmt: skip
        assert summed["investigations_ended"].reindex(median["period_start"]).tolist() == (
            median["numerator"].tolist()
        ), kind


def test_a_joint_unit_and_a_force_user_of_another_force_get_no_comparator_lines(demo_run):
    run, as_at = demo_run
    data = forces_data(run, FY2025, as_at, "kent", "quarter")
    nothing_withheld: dict[str, set[str]] = {}
    assert trend_lines_shown(data, ("kent", "essex"), 5, nothing_withheld, ("reports",)) == set()
    assert trend_lines_shown(data, ("essex",), 5, nothing_withheld, ("reports",)) == set()
    assert trend_lines_shown(data, ("kent",), 5, nothing_withheld, ("reports",)) == {
        "peers",
        "nation",
    }
    # a cell withheld in the counts table takes its line away
    withheld = {"peers": {"reports"}}
    assert trend_lines_shown(data, ("kent",), 5, withheld, ("reports",)) == {"nation"}
    # the trend's investigations ended, less its investigations, are open cases: withheld with them
    open_cases = {"peers": {"open_cases"}}
    assert trend_lines_shown(data, ("kent",), 5, open_cases, CONVERSION_COLUMNS) == {"nation"}
    view = force_user_view(data, ("kent", "essex"), 5, FY2025)
    assert set(view.trend["group_kind"]) == set(view.conversion_trend["group_kind"]) == {"force"}
    # the peers one by one, and other forces' counts by quarter, are gone
    assert "peer" not in set(view.peer_rates["group_kind"])
    assert set(view.trend_counts_by_force["force_code"]) <= {"kent", "essex"}
