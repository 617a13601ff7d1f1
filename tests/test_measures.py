"""Tests for oversight.measures against published values, hand workings and independent libraries.

References: Newcombe (1998) Statistics in Medicine 17:857 for Wilson intervals; published tables
of exact Poisson limits; the 6-MP remission data of Freireich et al. (1963), as analysed by Gehan
(1965) and in Kleinbaum & Klein's "Survival Analysis", for Kaplan-Meier; statsmodels and lifelines
(lifelines only where installed) as independent implementations.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from oversight.measures import (
    annual_rate_per_1000,
    dersimonian_laird_tau2,
    funnel_flags,
    funnel_limits,
    funnel_z_scores,
    interpolated_quantile,
    kaplan_meier,
    km_quantile,
    overdispersion,
    percent_change,
    poisson_exact_interval,
    proportion_table,
    rate_per_1000,
    relative_rate,
    wilson_interval,
    winsorised,
)

# Example counts keep the whole file under about 5 s; a run with ten times as many passes too.
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEWER = settings(FAST, max_examples=15)

# 6-MP group of the Freireich leukaemia trial: weeks in remission, 1 = relapsed, 0 = censored.
SIX_MP_WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_RELAPSED = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
# Published product-limit estimates with the log(-log) 95% band (R: survfit(conf.type="log-log")).
SIX_MP_CURVE = {
    6: (0.857, 0.620, 0.952),
    7: (0.807, 0.563, 0.923),
    10: (0.753, 0.503, 0.889),
    13: (0.690, 0.432, 0.849),
    16: (0.627, 0.368, 0.805),
    22: (0.538, 0.268, 0.747),
    23: (0.448, 0.188, 0.680),
}


@pytest.fixture(scope="module")
def lifelines_km():
    """lifelines' KaplanMeierFitter class, or skip where lifelines is not installed."""
    lifelines = pytest.importorskip("lifelines")
    return lifelines.KaplanMeierFitter


def expand(durations, events, counts):
    """Aggregated (day, event, count) rows as one entry per case."""
    return np.repeat(durations, counts), np.repeat(events, counts)


# Aggregated survival data: up to 12 (day, event, count) rows.
aggregated_cases = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=60),
        st.integers(min_value=0, max_value=1),
        st.integers(min_value=1, max_value=8),
    ),
    min_size=1,
    max_size=12,
)


# --- Wilson ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998(successes, trials, low, high):
    got_low, got_high = wilson_interval(successes, trials)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels_on_arrays(confidence):
    successes = np.array([0, 1, 5, 50, 99, 100, 3])
    trials = np.array([100, 100, 100, 100, 100, 100, 7])
    low, high = wilson_interval(successes, trials, confidence)
    ref_low, ref_high = proportion_confint(successes, trials, 1 - confidence, method="wilson")
    np.testing.assert_allclose(low, ref_low, atol=1e-12)
    np.testing.assert_allclose(high, ref_high, atol=1e-12)
    assert low.shape == successes.shape


def test_wilson_scalars_give_floats_and_zero_trials_give_nan():
    low, high = wilson_interval(3, 10)
    assert isinstance(low, float) and isinstance(high, float)
    low, high = wilson_interval(np.array([0, 2]), np.array([0, 4]))
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert 0 < low[1] < 0.5 < high[1] < 1


def test_wilson_refuses_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(5, 4)
    with pytest.raises(ValueError):
        wilson_interval(-1, 4)
    with pytest.raises(ValueError):
        wilson_interval(1, 4, confidence=1.0)


@FAST
@given(st.integers(min_value=1, max_value=10_000), st.data())
def test_wilson_contains_the_proportion_and_agrees_with_statsmodels(trials, data):
    successes = data.draw(st.integers(min_value=0, max_value=trials))
    low, high = wilson_interval(successes, trials)
    assert 0 <= low <= successes / trials <= high <= 1
    ref_low, ref_high = proportion_confint(successes, trials, 0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)


# --- proportion_table --------------------------------------------------------------------------


def test_proportion_table_adds_rate_interval_and_reason():
    frame = pd.DataFrame(
        {"force": ["a", "b", "c"], "investigations": [81, 0, 0], "referrals": [263, 0, 12]},
        index=[10, 11, 12],
    )
    before = frame.copy()
    table = proportion_table(frame, "investigations", "referrals")
    pd.testing.assert_frame_equal(frame, before)
    assert list(table.columns) == [
        "force",
        "investigations",
        "referrals",
        "rate",
        "rate_low",
        "rate_high",
        "rate_note",
    ]
    assert list(table.index) == [10, 11, 12]
    assert table.loc[10, "rate"] == pytest.approx(81 / 263)
    assert table.loc[10, "rate_low"] == pytest.approx(0.2553, abs=5e-5)
    assert table.loc[10, "rate_high"] == pytest.approx(0.3662, abs=5e-5)
    assert table.loc[10, "rate_note"] == ""
    assert table.loc[11, ["rate", "rate_low", "rate_high"]].isna().all()
    assert table.loc[11, "rate_note"] == "no cases to divide by"
    # A zero numerator is a real 0, not a missing rate.
    assert table.loc[12, "rate"] == 0
    assert table.loc[12, "rate_low"] == 0
    assert table.loc[12, "rate_note"] == ""


def test_proportion_table_named_columns_and_missing_counts():
    frame = pd.DataFrame(
        {"dismissals": pd.array([2, None], dtype="Int64"), "investigations": [8, 9]}
    )
    table = proportion_table(frame, "dismissals", "investigations", name="dismissal_rate")
    assert table.loc[0, "dismissal_rate"] == pytest.approx(0.25)
    assert table.loc[0, "dismissal_rate_note"] == ""
    assert np.isnan(table.loc[1, "dismissal_rate"])
    assert table.loc[1, "dismissal_rate_note"] == "count not available"


# --- Poisson -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (2, 0.242, 7.225), (10, 4.795, 18.390)],
)
def test_poisson_interval_matches_published_table(count, low, high):
    got_low, got_high = poisson_exact_interval(count)
    assert got_low == pytest.approx(low, abs=5e-4)
    assert got_high == pytest.approx(high, abs=5e-4)


def test_poisson_interval_closed_forms_at_99_percent():
    # Count 0: P(X = 0) = exp(-mu) = alpha / 2. Count 1: P(X >= 1) = 1 - exp(-mu) = alpha / 2.
    low0, high0 = poisson_exact_interval(0, 0.99)
    low1, _ = poisson_exact_interval(1, 0.99)
    assert low0 == 0
    assert high0 == pytest.approx(-math.log(0.005), rel=1e-10)
    assert low1 == pytest.approx(-math.log(1 - 0.005), rel=1e-10)


def test_poisson_interval_arrays_missing_and_invalid():
    low, high = poisson_exact_interval(np.array([0, 3, np.nan]))
    assert low.shape == (3,) and low[0] == 0
    assert np.isnan(low[2]) and np.isnan(high[2])
    with pytest.raises(ValueError):
        poisson_exact_interval(-1)
    with pytest.raises(ValueError):
        poisson_exact_interval(2.5)


@FAST
@given(st.integers(min_value=0, max_value=5000))
def test_poisson_interval_has_its_defining_tail_probabilities(count):
    low, high = poisson_exact_interval(count)
    assert low <= count <= high
    assert stats.poisson.cdf(count, high) == pytest.approx(0.025, rel=1e-6)
    if count > 0:
        assert stats.poisson.sf(count - 1, low) == pytest.approx(0.025, rel=1e-6)


# --- rate per 1,000 officers -------------------------------------------------------------------


def test_rate_per_1000_scales_count_and_interval():
    counts = pd.Series([10, 0, 4, 7], index=["met", "kent", "none", "zero"])
    table = rate_per_1000(counts, [2000.0, 500.0, np.nan, 0.0])
    assert list(table.columns) == ["rate", "rate_low", "rate_high", "rate_note"]
    assert list(table.index) == ["met", "kent", "none", "zero"]
    assert table.loc["met", "rate"] == pytest.approx(5.0)
    assert table.loc["met", "rate_low"] == pytest.approx(4.795 / 2, abs=5e-4)
    assert table.loc["met", "rate_high"] == pytest.approx(18.390 / 2, abs=5e-4)
    assert table.loc["kent", "rate"] == 0
    assert table.loc["kent", "rate_high"] == pytest.approx(3.689 * 2, abs=5e-3)
    for force in ("none", "zero"):
        assert table.loc[force, ["rate", "rate_low", "rate_high"]].isna().all()
        assert table.loc[force, "rate_note"] == "no officer figure for this force"
    assert table.loc["met", "rate_note"] == ""


def test_rate_per_1000_matches_series_on_their_index():
    counts = pd.Series([1, 2, 3], index=["a", "b", "c"])
    officers = pd.Series([4000.0, 1000.0], index=["b", "a"])
    table = rate_per_1000(counts, officers)
    assert table["rate"].tolist()[:2] == pytest.approx([1.0, 0.5])
    assert table.loc["c", "rate_note"] == "no officer figure for this force"
    # Series sharing one index (repeated labels included) pair up row by row.
    same = pd.Index(["a", "a"])
    table = rate_per_1000(pd.Series([1, 6], index=same), pd.Series([1000.0, 2000.0], index=same))
    assert table["rate"].tolist() == pytest.approx([1.0, 3.0])


def test_rate_per_1000_scalar_and_refusals():
    table = rate_per_1000(3, 1500)
    assert len(table) == 1 and table["rate"].iloc[0] == pytest.approx(2.0)
    with pytest.raises(ValueError):
        rate_per_1000(3, -5)
    with pytest.raises(ValueError):
        rate_per_1000(-3, 100)


# --- Kaplan-Meier ------------------------------------------------------------------------------


def test_kaplan_meier_matches_published_six_mp_curve():
    curve = kaplan_meier(SIX_MP_WEEKS, SIX_MP_RELAPSED)
    assert list(curve.columns) == [
        "day",
        "at_risk",
        "events",
        "censored",
        "survival",
        "survival_low",
        "survival_high",
    ]
    assert curve["day"].iloc[0] == 0 and curve["survival"].iloc[0] == 1
    by_day = curve.set_index("day")
    for day, (survival, low, high) in SIX_MP_CURVE.items():
        assert by_day.loc[day, "survival"] == pytest.approx(survival, abs=5e-4)
        assert by_day.loc[day, "survival_low"] == pytest.approx(low, abs=5e-4)
        assert by_day.loc[day, "survival_high"] == pytest.approx(high, abs=5e-4)
    # At week 6 three relapses and one censoring: all 21 at risk, the censored case included.
    assert by_day.loc[6, ["at_risk", "events", "censored"]].tolist() == [21, 3, 1]
    assert by_day.loc[7, "at_risk"] == 17
    assert km_quantile(curve, 0.5) == 23
    assert math.isnan(km_quantile(curve, 0.9))


def test_kaplan_meier_from_counts_equals_one_row_per_case():
    weeks, relapsed = np.array(SIX_MP_WEEKS), np.array(SIX_MP_RELAPSED)
    pairs = pd.DataFrame({"day": weeks, "event": relapsed}).value_counts().reset_index()
    aggregated = kaplan_meier(pairs["day"], pairs["event"], pairs["count"])
    pd.testing.assert_frame_equal(aggregated, kaplan_meier(weeks, relapsed))


def test_kaplan_meier_counts_endings_before_censorings_on_the_same_day():
    curve = kaplan_meier([1, 1], [1, 0])
    day1 = curve.set_index("day").loc[1]
    assert day1["at_risk"] == 2
    assert day1["survival"] == 0.5


def test_kaplan_meier_all_censored_stays_at_one():
    curve = kaplan_meier([3, 5, 5], [0, 0, 0])
    assert (curve["survival"] == 1).all()
    assert (curve["survival_low"] == 1).all() and (curve["survival_high"] == 1).all()
    assert math.isnan(km_quantile(curve, 0.5))


def test_kaplan_meier_cases_ending_on_day_zero_and_all_ended():
    curve = kaplan_meier([0, 0, 2, 4], [1, 1, 1, 1])
    assert curve["day"].tolist() == [0, 2, 4]
    assert curve["survival"].tolist() == [0.5, 0.25, 0.0]
    assert km_quantile(curve, 0.5) == 0
    assert km_quantile(curve, 0.9) == 4
    last = curve.iloc[-1]
    assert last["survival_low"] == 0 and last["survival_high"] == 0


def test_kaplan_meier_with_no_cases_and_zero_counts():
    empty = kaplan_meier([], [])
    assert empty["day"].tolist() == [0] and empty["at_risk"].tolist() == [0]
    assert math.isnan(empty["survival"].iloc[0])
    assert math.isnan(km_quantile(empty, 0.5))
    # A (day, event) pair with count 0 adds no row.
    curve = kaplan_meier([2, 7], [1, 0], [3, 0])
    assert curve["day"].tolist() == [0, 2]


def test_kaplan_meier_refuses_bad_input():
    with pytest.raises(ValueError):
        kaplan_meier([-1, 2], [1, 1])
    with pytest.raises(ValueError):
        kaplan_meier([1.5, 2], [1, 1])
    with pytest.raises(ValueError):
        kaplan_meier([1, 2], [1, 2])
    with pytest.raises(ValueError):
        kaplan_meier([1, 2], [1])
    with pytest.raises(ValueError):
        kaplan_meier([1, 2], [1, 0], [1, -1])


def test_km_quantile_is_first_day_at_or_below_the_share_open():
    # Four cases ending on days 1..4: survival 0.75, 0.5, 0.25, 0. The median is the first day
    # with survival <= 0.5 (day 2), not the 2.5 a median of the durations would give.
    curve = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1])
    assert km_quantile(curve, 0.5) == 2
    assert km_quantile(curve, 0.9) == 4
    np.testing.assert_array_equal(km_quantile(curve, [0.25, 0.5, 0.75]), [1, 2, 3])
    with pytest.raises(ValueError):
        km_quantile(curve, 1.5)


def test_km_quantile_finds_a_half_that_rounding_leaves_just_above():
    # 10 cases; 1, 2 and 2 end on days 1-3 and 5 stay open: survival on day 3 is
    # 9/10 * 7/9 * 5/7 = 1/2 exactly, though the running product in floats is 0.5000000000000001.
    curve = kaplan_meier([1, 2, 3, 9], [1, 1, 1, 0], [1, 2, 2, 5])
    assert km_quantile(curve, 0.5) == 3


def test_kaplan_meier_matches_statsmodels():
    durations = np.array([0, 1, 1, 2, 3, 3, 3, 5, 8, 8, 9, 12, 12, 15])
    events = np.array([1, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0])
    curve = kaplan_meier(durations, events).set_index("day")
    reference = SurvfuncRight(durations.astype(float), events)
    survival = curve.loc[reference.surv_times.astype(int), "survival"].to_numpy()
    np.testing.assert_allclose(survival, reference.surv_prob, rtol=1e-12)
    # The log(-log) band from statsmodels' Greenwood standard error.
    s, se = reference.surv_prob, reference.surv_prob_se
    inside = (s > 0) & (s < 1)
    spread = np.exp(1.959963984540054 * se[inside] / (s[inside] * np.abs(np.log(s[inside]))))
    at_times = curve.loc[reference.surv_times[inside].astype(int)]
    np.testing.assert_allclose(at_times["survival_low"], s[inside] ** spread, rtol=1e-9)
    np.testing.assert_allclose(at_times["survival_high"], s[inside] ** (1 / spread), rtol=1e-9)


def test_kaplan_meier_matches_lifelines_on_six_mp(lifelines_km):
    fitted = lifelines_km().fit(SIX_MP_WEEKS, SIX_MP_RELAPSED)
    curve = kaplan_meier(SIX_MP_WEEKS, SIX_MP_RELAPSED).set_index("day")
    reference = fitted.survival_function_["KM_estimate"]
    np.testing.assert_allclose(curve.loc[reference.index, "survival"], reference, rtol=1e-12)
    band = fitted.confidence_interval_survival_function_.to_numpy()
    np.testing.assert_allclose(curve.loc[reference.index, "survival_low"], band.min(axis=1))
    np.testing.assert_allclose(curve.loc[reference.index, "survival_high"], band.max(axis=1))
    assert km_quantile(curve.reset_index(), 0.5) == fitted.median_survival_time_


@FEWER
@given(aggregated_cases)
def test_kaplan_meier_matches_lifelines_on_expanded_cases(lifelines_km, rows):
    days, ended, counts = (np.array(column) for column in zip(*rows, strict=True))
    curve = kaplan_meier(days, ended, counts).set_index("day")
    durations, events = expand(days, ended, counts)
    fitted = lifelines_km().fit(durations, events)
    reference = fitted.survival_function_["KM_estimate"]
    got = curve.loc[reference.index.astype(int), "survival"].to_numpy()
    np.testing.assert_allclose(got, reference.to_numpy(), rtol=1e-9, atol=1e-12)
    band = fitted.confidence_interval_survival_function_.to_numpy()
    low = curve.loc[reference.index.astype(int), "survival_low"].to_numpy()
    high = curve.loc[reference.index.astype(int), "survival_high"].to_numpy()
    np.testing.assert_allclose(low, band.min(axis=1), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(high, band.max(axis=1), rtol=1e-7, atol=1e-10)
    # lifelines' own median compares exp(sum of logs) with 0.5, so a curve at exactly 0.5 can
    # come out as 0.5000000000000001 and be missed; read lifelines' curve with a tolerance.
    reached = reference.index[reference.to_numpy() <= 0.5 + 1e-9]
    expected = reached[0] if len(reached) else math.nan
    assert km_quantile(curve.reset_index(), 0.5) == pytest.approx(expected, nan_ok=True)


@FAST
@given(aggregated_cases)
def test_kaplan_meier_is_a_monotone_curve_inside_its_band(rows):
    days, ended, counts = (np.array(column) for column in zip(*rows, strict=True))
    curve = kaplan_meier(days, ended, counts)
    survival = curve["survival"].to_numpy()
    assert curve["day"].iloc[0] == 0
    assert curve["day"].is_monotonic_increasing and curve["day"].is_unique
    assert np.all(np.diff(survival) <= 0)
    assert np.all((survival >= 0) & (survival <= 1))
    assert np.all(curve["survival_low"] <= survival + 1e-12)
    assert np.all(survival <= curve["survival_high"] + 1e-12)
    assert curve["at_risk"].iloc[0] == counts.sum()
    leaving = (curve["events"] + curve["censored"]).to_numpy()
    np.testing.assert_array_equal(
        curve["at_risk"].to_numpy()[1:], (curve["at_risk"] - leaving)[:-1]
    )
    median = km_quantile(curve, 0.5)
    p90 = km_quantile(curve, 0.9)
    assert math.isnan(p90) or median <= p90


# --- funnel limits -----------------------------------------------------------------------------


def binomial_cdf(r, n, p):
    """P(X <= r) for X ~ Binomial(n, p), summed term by term."""
    return sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(r + 1))


def poisson_cdf(r, mu):
    """P(X <= r) for X ~ Poisson(mu), summed term by term."""
    return sum(math.exp(-mu) * mu**k / math.factorial(k) for k in range(r + 1))


def test_funnel_limits_for_a_proportion_worked_by_hand():
    # Binomial(10, 0.3): F(5) = 0.95265 < 0.975 <= F(6) = 0.98941, so r = 6 and the upper 95%
    # limit is (6 - (F(6) - 0.975) / (F(6) - F(5))) / 10, about 0.5608. For the lower limit
    # F(0) = 0.02825 >= 0.025, so r = 0 and (0 - a) / 10 < 0 is clipped to 0.
    f5, f6 = binomial_cdf(5, 10, 0.3), binomial_cdf(6, 10, 0.3)
    upper = (6 - (f6 - 0.975) / (f6 - f5)) / 10
    limits = funnel_limits(0.3, [10])
    assert list(limits.columns) == ["denominator", "low_95", "high_95", "low_99_8", "high_99_8"]
    assert limits.loc[0, "high_95"] == pytest.approx(upper, rel=1e-10)
    assert limits.loc[0, "high_95"] == pytest.approx(0.5608, abs=1e-4)
    assert limits.loc[0, "low_95"] == 0


def test_funnel_limits_for_a_rate_per_1000_worked_by_hand():
    # 4 per 1,000 officers in a force of 1,000 officers: 4 reports expected, Poisson(4).
    # Upper: F(7) = 0.9489 < 0.975 <= F(8) = 0.9786, r = 8. Lower: F(0) = 0.0183 < 0.025
    # <= F(1) = 0.0916, r = 1. Limits are counts per 1,000 officers.
    f0, f1, f7, f8 = (poisson_cdf(r, 4.0) for r in (0, 1, 7, 8))
    limits = funnel_limits(4.0, [1000.0], kind="poisson")
    assert limits.loc[0, "high_95"] == pytest.approx(8 - (f8 - 0.975) / (f8 - f7), rel=1e-10)
    assert limits.loc[0, "low_95"] == pytest.approx(1 - (f1 - 0.025) / (f1 - f0), rel=1e-10)
    # Twice the officers, same target: limits in the same per-1,000 units, closer to 4.
    wider, narrower = (
        funnel_limits(4.0, [1000.0, 2000.0], kind="poisson").iloc[[0, 1]].to_dict("records")
    )
    assert wider["low_95"] < narrower["low_95"] < 4 < narrower["high_95"] < wider["high_95"]


@pytest.mark.parametrize("kind", ["proportion", "poisson"])
def test_funnel_limits_approach_the_normal_approximation_for_large_denominators(kind):
    n = 1_000_000
    target = 0.2 if kind == "proportion" else 6.0
    limits = funnel_limits(target, [n], kind=kind).iloc[0]
    for confidence, suffix in ((0.95, "95"), (0.998, "99_8")):
        z = stats.norm.ppf(0.5 + confidence / 2)
        if kind == "proportion":
            half = z * math.sqrt(target * (1 - target) / n)
        else:
            half = z * math.sqrt(target / 1000 * n) / n * 1000
        assert limits[f"low_{suffix}"] == pytest.approx(target - half, rel=2e-3)
        assert limits[f"high_{suffix}"] == pytest.approx(target + half, rel=2e-3)


def test_funnel_limits_missing_denominators_and_refusals():
    limits = funnel_limits(5.0, [0.0, np.nan, 250.5], kind="poisson")
    assert limits.loc[[0, 1]].drop(columns="denominator").isna().all().all()
    assert limits.loc[2].notna().all()
    assert funnel_limits(0.1, [100], confidences=(0.9,)).columns.tolist() == [
        "denominator",
        "low_90",
        "high_90",
    ]
    with pytest.raises(ValueError):
        funnel_limits(0.3, [10.5])
    with pytest.raises(ValueError):
        funnel_limits(1.3, [10])
    with pytest.raises(ValueError):
        funnel_limits(0.3, [10], kind="normal")


@settings(FAST, max_examples=30)
@given(
    st.sampled_from(["proportion", "poisson"]),
    st.floats(min_value=0.001, max_value=0.999),
    st.integers(min_value=1, max_value=5000),
    st.integers(min_value=1, max_value=5000),
)
def test_funnel_limits_narrow_as_the_denominator_grows(kind, share, n_small, extra):
    target = share if kind == "proportion" else share * 50
    denominators = [n_small, n_small + extra]
    limits = funnel_limits(target, denominators, kind=kind)
    small, large = limits.iloc[0], limits.iloc[1]
    # Lower limits rise with the denominator. Upper limits of whole-number counts zig-zag
    # where few cases are expected, so the upper limit is checked as a count: it never falls.
    assert small["low_95"] <= large["low_95"] + 1e-12
    assert small["low_99_8"] <= large["low_99_8"] + 1e-12
    for column in ("high_95", "high_99_8"):
        assert small[column] * n_small <= large[column] * (n_small + extra) + 1e-6
    for row in (small, large):
        assert row["low_99_8"] <= row["low_95"] <= row["high_95"] <= row["high_99_8"]
        assert row["low_99_8"] >= 0
        if kind == "proportion":
            assert row["high_99_8"] <= 1


def test_funnel_flags_place_each_force():
    # Target 0.3 with 100 cases: 95% limits about (0.21, 0.39), 99.8% about (0.16, 0.44).
    observed = pd.Series(
        [0.5, 0.42, 0.3, 0.18, 0.1, np.nan, 0.5], index=["a", "b", "c", "d", "e", "f", "g"]
    )
    flags = funnel_flags(observed, [100, 100, 100, 100, 100, 100, 0], 0.3, "proportion")
    assert flags.name == "funnel_flag"
    assert flags.to_dict() == {
        "a": "above 99.8%",
        "b": "above 95%",
        "c": "within",
        "d": "below 95%",
        "e": "below 99.8%",
        "f": "not assessed",
        "g": "not assessed",
    }


def test_funnel_flags_match_series_on_their_index():
    observed = pd.Series([0.5, 0.3], index=["x", "y"])
    flags = funnel_flags(observed, pd.Series([100, 10], index=["y", "x"]), 0.3, "proportion")
    # x: 0.5 of 10 is within the wide limits of a small force; y: 0.3 of 100 is on target.
    assert flags.to_dict() == {"x": "within", "y": "within"}
    flags = funnel_flags(observed, pd.Series([10, 100], index=["y", "x"]), 0.3, "proportion")
    assert flags.to_dict() == {"x": "above 99.8%", "y": "within"}


def test_funnel_flags_on_a_target_of_one_hundred_percent_is_within():
    # every case positive, target 1: the exact interpolated upper limit falls just below 1, yet
    # a force exactly on the target cannot be above it
    assert funnel_limits(1.0, [728]).loc[0, "high_95"] < 1
    assert funnel_flags([1.0, 1.0], [728, 10], 1.0).tolist() == ["within", "within"]


def test_funnel_flags_exactly_on_a_limit_is_within_and_poisson_units_match():
    limits = funnel_limits(5.0, [800.0], kind="poisson").iloc[0]
    flags = funnel_flags(
        [limits["high_95"], limits["high_95"] + 1e-9], [800.0, 800.0], 5.0, "poisson"
    )
    assert flags.tolist() == ["within", "above 95%"]


# --- over-dispersion ---------------------------------------------------------------------------

# Five forces at a target of 10 per 1,000 officer-years, chosen so that every square root is whole:
# expected counts E = 100, 100, 400, 400, 900 and observed O = 64, 144, 324, 529, 900, so the
# square-root z-scores 2(sqrt(O) - sqrt(E)) are -4, 4, -4, 6 and 0.
FIVE_OFFICER_YEARS = [10_000.0, 10_000.0, 40_000.0, 40_000.0, 90_000.0]
FIVE_REPORTS = [64, 144, 324, 529, 900]


def test_overdispersion_worked_by_hand_on_five_forces():
    z, s = funnel_z_scores(FIVE_REPORTS, FIVE_OFFICER_YEARS, 10.0, "poisson")
    assert z.tolist() == [-4.0, 4.0, -4.0, 6.0, 0.0]
    assert s.tolist() == pytest.approx([1 / 20, 1 / 20, 1 / 40, 1 / 40, 1 / 60])
    # Sorted: -4, -4, 0, 4, 6. The 10% quantile sits 0.4 of the way from the 1st to the 2nd
    # (-4), the 90% one 0.6 of the way from the 4th to the 5th: 4 + 0.6 * 2 = 5.2.
    assert winsorised(z).tolist() == pytest.approx([-4.0, 4.0, -4.0, 5.2, 0.0])
    dispersion = overdispersion(z, s)
    # phi = (16 + 16 + 16 + 27.04 + 0) / 5; n * phi = 75.04 > 4 + 2 * sqrt(8) = 9.657
    assert dispersion.units == 5
    assert dispersion.phi == pytest.approx(75.04 / 5)
    assert dispersion.overdispersed
    # w = 1 / s^2 = 4E: 400, 400, 1600, 1600, 3600; sum 7,600; sum of squares 18,400,000.
    # tau^2 = (75.04 - 4) / (7,600 - 18,400,000 / 7,600) = 539,904 / 39,360,000
    assert dispersion.tau2 == pytest.approx(539_904 / 39_360_000, rel=1e-12)
    assert dispersion.applied_tau2 == dispersion.tau2

    # The 95% limits at E = 100 and E = 400, widened on the square-root scale and squared back
    limits = funnel_limits(10.0, [10_000.0, 40_000.0], "poisson", tau2=dispersion.tau2)
    z95 = stats.norm.ppf(0.975)
    for row, expected in enumerate((100, 400)):
        spread = math.sqrt(1 / (4 * expected) + 539_904 / 39_360_000)
        assert limits.loc[row, "high_95"] == pytest.approx(10 * (1 + z95 * spread) ** 2)
        assert limits.loc[row, "low_95"] == pytest.approx(10 * (1 - z95 * spread) ** 2)
    # The fourth force (529 against 400 expected) is far beyond chance alone, but within once
    # the limits allow for the differences between forces.
    rates = [o / n * 1000 for o, n in zip(FIVE_REPORTS, FIVE_OFFICER_YEARS, strict=True)]
    alone = funnel_flags(rates, FIVE_OFFICER_YEARS, 10.0, "poisson")
    widened = funnel_flags(rates, FIVE_OFFICER_YEARS, 10.0, "poisson", tau2=dispersion.tau2)
    assert alone.tolist() == ["below 99.8%", "above 99.8%", "below 99.8%", "above 99.8%", "within"]
    assert widened.tolist() == ["within"] * 5


def test_no_overdispersion_when_forces_differ_by_chance():
    # z-scores 1, -1, 0.5, -0.5, 0: n * phi = 2.5 is below n - 1 = 4, so tau^2 is 0 and unused
    dispersion = overdispersion([1.0, -1.0, 0.5, -0.5, 0.0], [0.1] * 5)
    assert not dispersion.overdispersed
    assert dispersion.tau2 == 0
    assert dispersion.applied_tau2 is None
    # some excess, but not enough to pass the test: winsorised to 1.56, -1.56, 1.2, -1.2, 0,
    # n * phi = 7.7472 lies between n - 1 = 4 and 9.657: tau^2 is reported, not applied
    mild = overdispersion([1.8, -1.8, 1.2, -1.2, 0.0], [0.1] * 5)
    assert mild.phi * 5 == pytest.approx(7.7472)
    assert not mild.overdispersed and mild.tau2 > 0 and mild.applied_tau2 is None
    # fewer than two forces: nothing to estimate; missing z-scores are left out
    one = overdispersion([3.0, np.nan], [0.1, 0.1])
    assert one.units == 1 and math.isnan(one.phi) and not one.overdispersed


@settings(FAST, max_examples=30)
@given(
    st.lists(
        st.tuples(st.floats(min_value=-2, max_value=2), st.floats(min_value=0.001, max_value=0.5)),
        min_size=3,
        max_size=40,
    )
)
def test_dersimonian_laird_matches_statsmodels(rows):
    """On un-winsorised z-scores about the weighted mean, our tau^2 is statsmodels' DL estimate
    (which it leaves negative where ours is 0)."""
    effect = np.array([y for y, _ in rows])
    variance = np.array([v for _, v in rows])
    weight = 1 / variance
    mean = (weight * effect).sum() / weight.sum()
    z = (effect - mean) / np.sqrt(variance)
    theirs = combine_effects(effect, variance, method_re="dl").tau2
    assert dersimonian_laird_tau2(z, np.sqrt(variance)) == pytest.approx(
        max(theirs, 0.0), rel=1e-9, abs=1e-12
    )
    # winsorising by nothing leaves the estimate unchanged
    assert overdispersion(z, np.sqrt(variance), share=0.0).tau2 == pytest.approx(
        max(theirs, 0.0), rel=1e-9, abs=1e-12
    )


def test_z_scores_and_widened_limits_for_proportions_by_hand():
    # 30 of 100 against a target of 0.2 on the angular scale: s = 1 / 20
    z, s = funnel_z_scores([30, 0, 5], [100, 0, 25], 0.2)
    assert z[0] == pytest.approx((math.asin(math.sqrt(0.3)) - math.asin(math.sqrt(0.2))) * 20)
    assert s[0] == pytest.approx(0.05)
    assert math.isnan(z[1]) and math.isnan(s[1])
    limits = funnel_limits(0.2, [100, 4], tau2=0.01).iloc[0]
    for suffix, confidence in (("95", 0.95), ("99_8", 0.998)):
        q = stats.norm.ppf(0.5 + confidence / 2)
        spread = math.sqrt(1 / 400 + 0.01)
        centre = math.asin(math.sqrt(0.2))
        assert limits[f"low_{suffix}"] == pytest.approx(math.sin(centre - q * spread) ** 2)
        assert limits[f"high_{suffix}"] == pytest.approx(math.sin(centre + q * spread) ** 2)
    # with 4 cases the 99.8% limits run past the ends of the angular scale: held at 0 and 1
    small = funnel_limits(0.2, [4], tau2=0.5).iloc[0]
    assert small["low_99_8"] == 0 and small["high_99_8"] == pytest.approx(1.0)
    # a Poisson lower limit that would cross 0 stays at 0, never squared back up
    assert funnel_limits(2.0, [100.0], "poisson", tau2=1.0).loc[0, "low_95"] == 0


# --- annual rates ------------------------------------------------------------------------------


def test_annual_rate_per_1000_counts_only_days_in_the_service():
    # 2,000 officers for half a year (182.625 days) are 1,000 officer-years: 30 reports are 30 per
    # 1,000 officers a year, with the exact interval of a count of 30 over the same 1,000.
    low, high = poisson_exact_interval(30)
    table = annual_rate_per_1000([30, 30, 4, 2], [2000.0, 2000.0, np.nan, 500.0],
                                 [182.625, 365.25, 365.25, 0])  # fmt: skip
    assert table["officer_years"].tolist()[:2] == pytest.approx([1000.0, 2000.0])
    assert table.loc[0, "rate"] == pytest.approx(30.0)
    assert table.loc[0, "rate_low"] == pytest.approx(low)
    assert table.loc[0, "rate_high"] == pytest.approx(high)
    assert table.loc[1, "rate"] == pytest.approx(15.0)
    assert table["rate_note"].tolist() == [
        "",
        "",
        "no officer figure for this force",
        "not in the service in this period",
    ]
    assert table.loc[[2, 3], ["rate", "rate_low", "rate_high"]].isna().all().all()


# --- relative rate -----------------------------------------------------------------------------


def test_relative_rate_worked_by_hand_and_against_statsmodels():
    # 20/100 against 30/100: ratio 2/3, log standard error sqrt(1/20 - 1/100 + 1/30 - 1/100).
    ratio, low, high = relative_rate(20, 100, 30, 100)
    se = math.sqrt(1 / 20 - 1 / 100 + 1 / 30 - 1 / 100)
    assert ratio == pytest.approx(2 / 3)
    assert low == pytest.approx(2 / 3 * math.exp(-1.959963984540054 * se))
    assert high == pytest.approx(2 / 3 * math.exp(1.959963984540054 * se))
    assert (low, high) == pytest.approx((0.4071, 1.0917), abs=1e-4)
    ref_low, ref_high = confint_proportions_2indep(20, 100, 30, 100, method="log", compare="ratio")
    assert (low, high) == pytest.approx((ref_low, ref_high), rel=1e-9)


def test_relative_rate_shows_no_ratio_for_small_or_empty_groups():
    ratio, low, high = relative_rate(
        np.array([5, 0, 4, 12, 3]),
        np.array([9, 40, 40, 40, 10]),
        np.array([20, 20, 0, 20, 5]),
        np.array([100, 100, 100, 100, 9]),
    )
    assert np.isnan(ratio[[0, 1, 2, 4]]).all()
    assert np.isnan(low[[0, 1, 2, 4]]).all() and np.isnan(high[[0, 1, 2, 4]]).all()
    assert ratio[3] == pytest.approx((12 / 40) / (20 / 100))
    with pytest.raises(ValueError):
        relative_rate(11, 10, 5, 20)


@FAST
@given(
    st.integers(min_value=10, max_value=5000),
    st.integers(min_value=10, max_value=5000),
    st.data(),
)
def test_relative_rate_interval_contains_ratio_and_agrees_with_statsmodels(n1, n2, data):
    a = data.draw(st.integers(min_value=1, max_value=n1))
    c = data.draw(st.integers(min_value=1, max_value=n2))
    ratio, low, high = relative_rate(a, n1, c, n2)
    assert low <= ratio <= high
    ref_low, ref_high = confint_proportions_2indep(a, n1, c, n2, method="log", compare="ratio")
    assert low == pytest.approx(ref_low, rel=1e-9)
    assert high == pytest.approx(ref_high, rel=1e-9)


# --- percent change and quantiles --------------------------------------------------------------


def test_percent_change():
    assert percent_change(5, 4) == 25.0
    assert percent_change(3, 4) == -25.0
    assert percent_change(0, 7) == -100.0
    assert isinstance(percent_change(np.int64(6), np.int64(3)), float)
    assert percent_change(5, 0) is None
    assert percent_change(5, float("nan")) is None
    assert percent_change(None, 4) is None


def test_interpolated_quantile_by_hand():
    # Days 1, 2, 3, 10: median halfway between 2 and 3; 90th percentile at rank 0.9 * 3 = 2.7,
    # i.e. 3 + 0.7 * (10 - 3).
    assert interpolated_quantile([1, 2, 3, 10], 0.5) == 2.5
    assert interpolated_quantile([1, 2, 3, 10], 0.9) == pytest.approx(7.9)
    np.testing.assert_allclose(interpolated_quantile([10, np.nan, 1, 3, 2], [0.5, 0.9]), [2.5, 7.9])
    assert math.isnan(interpolated_quantile([], 0.5))
    assert interpolated_quantile([4], 0.9) == 4
    with pytest.raises(ValueError):
        interpolated_quantile([1, 2], 90)


@FAST
@given(
    st.lists(st.integers(min_value=0, max_value=2000), min_size=1, max_size=50),
    st.floats(min_value=0, max_value=1),
)
def test_interpolated_quantile_equals_pandas(values, q):
    assert interpolated_quantile(values, q) == pd.Series(values).quantile(q)
