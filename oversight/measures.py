"""Rates, intervals, Kaplan-Meier curves and funnel limits: pure functions on numbers and frames.

Every number here is defined in ``docs/metrics.md``. Nothing in this module touches Streamlit or
DuckDB: the dashboard counts in SQL and hands the counts to these functions, and the snapshot calls
the same functions, so a published figure and a displayed one cannot disagree.

Proportions are returned on the 0..1 scale; rates "per 1,000 officers" are per 1,000 units of the
denominator: officer-years in the service (officers, full-time equivalent, times the years the
force was in the service within the period), so that they are rates per 1,000 officers a year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

NO_CASES_NOTE = "no cases to divide by"
NO_OFFICER_FIGURE_NOTE = "no officer figure for this force"
COUNT_MISSING_NOTE = "count not available"
NOT_IN_SERVICE_NOTE = "not in the service in this period"

PER_OFFICERS = 1000.0
# Rates per officer are annual: days in the service over the mean length of a calendar year.
DAYS_PER_YEAR = 365.25
FUNNEL_CONFIDENCES = (0.95, 0.998)
FUNNEL_FLAGS = ("above 99.8%", "above 95%", "within", "below 95%", "below 99.8%")
FUNNEL_NOT_ASSESSED = "not assessed"
# Share of z-scores pulled in at each end before over-dispersion is measured (NHS England's SHMI
# and the FunnelPlotR package), so that a few extreme forces do not widen every force's limits.
WINSORISED_SHARE = 0.1

# Survival values are running products of fractions, so a curve that is exactly 0.5 on paper can
# be stored as 0.5000000000000001; a quantile must still find that day.
_SURVIVAL_TOLERANCE = 1e-12

FunnelKind = Literal["proportion", "poisson"]


def wilson_interval(successes, trials, confidence: float = 0.95):
    """Wilson score interval for a proportion; arrays in, arrays out, NaN where trials is 0.

    Args:
        successes: Count(s) of cases with the characteristic.
        trials: Count(s) of cases in the denominator, same shape as ``successes``.
        confidence: Two-sided confidence level, e.g. 0.95.

    Returns:
        ``(low, high)`` on the 0..1 scale: floats for scalar input, numpy arrays otherwise.
    """
    z = _z_value(confidence)
    x = _as_float_array(successes)
    n = _as_float_array(trials)
    x, n = np.broadcast_arrays(x, n)
    _check_proportion_counts(x, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        z2n = z * z / n
        centre = (p + z2n / 2) / (1 + z2n)
        half = z / (1 + z2n) * np.sqrt(p * (1 - p) / n + z2n / (4 * n))
    low = np.where(x == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(x == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    empty = ~(n > 0)
    low = np.where(empty, np.nan, low)
    high = np.where(empty, np.nan, high)
    return _unwrap(low), _unwrap(high)


def proportion_table(
    frame: pd.DataFrame,
    numerator: str,
    denominator: str,
    confidence: float = 0.95,
    *,
    name: str = "rate",
) -> pd.DataFrame:
    """Copy of ``frame`` with a proportion, its Wilson interval and a note on why it is missing.

    Args:
        frame: One row per group, with count columns ``numerator`` and ``denominator``.
        numerator: Column holding the count of cases with the characteristic.
        denominator: Column holding the count of cases it is a share of.
        confidence: Two-sided confidence level of the interval.
        name: Stem of the added columns (default ``rate``; e.g. ``investigation_rate``).

    Returns:
        The rows of ``frame`` with columns ``{name}``, ``{name}_low``, ``{name}_high`` (0..1) and
        ``{name}_note`` added (replaced if present). The note is "" where the rate is shown,
        "no cases to divide by" where the denominator is 0 and "count not available" where
        either count is missing; the rate and its interval are NaN exactly where the note is set.
    """
    x = _as_float_array(frame[numerator])
    n = _as_float_array(frame[denominator])
    low, high = wilson_interval(x, n, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, x / n, np.nan)
    missing = np.isnan(x) | np.isnan(n)
    note = np.where(missing, COUNT_MISSING_NOTE, np.where(n == 0, NO_CASES_NOTE, ""))
    added = {
        name: rate,
        f"{name}_low": np.asarray(low, dtype=float),
        f"{name}_high": np.asarray(high, dtype=float),
        f"{name}_note": pd.Series(note, index=frame.index, dtype=object).astype(str),
    }
    if not any(column in frame.columns for column in added):
        # one concat: half the cost of adding the columns one by one, on every page rerun
        return pd.concat([frame, pd.DataFrame(added, index=frame.index)], axis=1)
    result = frame.copy()
    for column, values in added.items():
        result[column] = values
    return result


def poisson_exact_interval(count, confidence: float = 0.95):
    """Exact (Garwood) interval for a Poisson count, from chi-square quantiles; count 0 gives low 0.

    Args:
        count: Observed count(s), non-negative whole numbers.
        confidence: Two-sided confidence level.

    Returns:
        ``(low, high)`` for the expected count: floats for scalar input, numpy arrays otherwise.
        NaN where the count is missing.
    """
    alpha = 1 - _check_confidence(confidence)
    k = _as_float_array(count)
    _check_whole_non_negative(k, "count")
    with np.errstate(invalid="ignore"):
        low = np.where(k == 0, 0.0, stats.chi2.ppf(alpha / 2, 2 * k) / 2)
        high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    low = np.where(np.isnan(k), np.nan, low)
    return _unwrap(low), _unwrap(np.asarray(high, dtype=float))


def rate_per_1000(count, denominator, confidence: float = 0.95, *, officers=None) -> pd.DataFrame:
    """Rate per 1,000 officers with its exact Poisson interval, and a note where it cannot be given.

    Args:
        count: Count(s) of reports (non-negative whole numbers).
        denominator: Officers (full-time equivalent), or officer-years for a rate a year, for the
            same rows; missing or 0 means the force has no officer figure. If both are Series,
            matched on the index of ``count``.
        confidence: Two-sided confidence level of the interval.
        officers: The officer figures behind officer-years, if ``denominator`` is officer-years:
            a row with officers but no officer-years was not in the service in the period.

    Returns:
        One row per input value (indexed like ``count`` if it is a Series) with columns ``rate``,
        ``rate_low``, ``rate_high`` (per 1,000 officers) and ``rate_note``: "" where the rate is
        given, "no officer figure for this force" where the denominator is missing or 0 (or "not
        in the service in this period" where ``officers`` has a figure for it), and "count not
        available" where the count is missing.

    Raises:
        ValueError: If a count is negative or fractional, or an officer figure is negative.
    """
    denominator = _aligned_to(count, denominator)
    k = _as_float_array(count)
    fte = _as_float_array(denominator)
    k, fte = np.broadcast_arrays(k, fte)
    if np.any(fte < 0):
        raise ValueError("denominator (officers) must not be negative")
    low, high = poisson_exact_interval(k, confidence)
    usable = (fte > 0) & ~np.isnan(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(usable, PER_OFFICERS / fte, np.nan)
    no_figure = NO_OFFICER_FIGURE_NOTE
    if officers is not None:
        # officers but no officer-years: the force had not joined, which is not a missing figure
        staffed = np.broadcast_to(_as_float_array(_aligned_to(count, officers)), fte.shape) > 0
        no_figure = np.where(staffed, NOT_IN_SERVICE_NOTE, NO_OFFICER_FIGURE_NOTE)
    note = np.where(np.isnan(k), COUNT_MISSING_NOTE, np.where(fte > 0, "", no_figure))
    rate = np.atleast_1d(k * scale)
    index = count.index if isinstance(count, pd.Series) else pd.RangeIndex(len(rate))
    return pd.DataFrame(
        {
            "rate": rate,
            "rate_low": np.atleast_1d(np.asarray(low) * scale),
            "rate_high": np.atleast_1d(np.asarray(high) * scale),
            "rate_note": pd.Series(np.atleast_1d(note), index=index, dtype=object).astype(str),
        },
        index=index,
    )


def officer_years(officers, days):
    """Officers (full-time equivalent) times the years in the service: the exposure behind a rate
    per 1,000 officers a year. NaN where the officer figure is missing."""
    return _unwrap(_as_float_array(officers) * _as_float_array(days) / DAYS_PER_YEAR)


def annual_rate_per_1000(count, officers, days, confidence: float = 0.95) -> pd.DataFrame:
    """Rate per 1,000 officers a year over the days a force was in the service, with its exact
    Poisson interval (the count's interval divided by the officer-years).

    Args:
        count: Count(s) of reports (non-negative whole numbers).
        officers: Officers (full-time equivalent); missing or 0 means no officer figure.
        days: Days the force was in the service within the period (0 if none).
        confidence: Two-sided confidence level of the interval.

    Returns:
        rate_per_1000's columns (``rate``, ``rate_low``, ``rate_high``, ``rate_note``) on the
        officer-years, indexed like ``count`` if it is a Series, plus ``officer_years``. The note
        is "not in the service in this period" where the force has an officer figure but no
        days in the service.
    """
    officers = _aligned_to(count, officers)
    exposure = np.atleast_1d(officer_years(officers, days))
    table = rate_per_1000(count, exposure, confidence, officers=officers)
    exposure = np.broadcast_to(exposure, (len(table),))
    table["officer_years"] = exposure
    return table


def kaplan_meier(durations, events, counts=None, *, confidence: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier (product-limit) curve of the share still open, from aggregated counts.

    At a day with both endings and censorings, the endings are counted first (cases censored
    that day are still at risk), as lifelines and R's ``survival`` do. The band is the pointwise
    Greenwood interval on the log(-log) scale (Kalbfleisch and Prentice), as lifelines reports it;
    it is (1, 1) before the first ending and (0, 0) once the curve reaches 0.

    Args:
        durations: Whole days from start to ending or to the as-at date.
        events: 1 where the case ended that day, 0 where it was still open (censored).
        counts: How many cases share each (duration, event) pair; default 1 each.
        confidence: Two-sided confidence level of the band.

    Returns:
        One row per day that has an ending or a censoring, plus day 0, sorted by day, with
        columns ``day``, ``at_risk`` (cases open at the start of the day), ``events`` (cases
        ended that day), ``censored`` (cases still open at the as-at date, observed up to that
        day), ``survival`` (share still open at the end of the day), ``survival_low`` and
        ``survival_high``. Survival at day 0 is 1 unless some cases ended on day 0. With no
        cases at all the single day-0 row has survival NaN.

    Raises:
        ValueError: If a duration is negative or fractional, an event is not 0 or 1, a count is
            negative or fractional, or the inputs differ in length.
    """
    z = _z_value(confidence)
    day = np.atleast_1d(_as_float_array(durations))
    ended = np.atleast_1d(_as_float_array(events))
    weight = np.ones_like(day) if counts is None else np.atleast_1d(_as_float_array(counts))
    if not (day.shape == ended.shape == weight.shape) or day.ndim != 1:
        raise ValueError("durations, events and counts must be one-dimensional and equally long")
    if np.isnan(day).any() or np.isnan(ended).any() or np.isnan(weight).any():
        raise ValueError("durations, events and counts must not be missing")
    _check_whole_non_negative(day, "durations")
    _check_whole_non_negative(weight, "counts")
    if not np.isin(ended, (0, 1)).all():
        raise ValueError("events must be 1 (ended) or 0 (still open)")

    days, position = np.unique(np.concatenate([[0.0], day]), return_inverse=True)
    position = position[1:]
    ended_count = np.bincount(position, weights=weight * ended, minlength=len(days))
    censored_count = np.bincount(position, weights=weight * (1 - ended), minlength=len(days))
    leaving = ended_count + censored_count
    # Drop days that only zero-count rows mentioned; day 0 always stays.
    keep = (leaving > 0) | (days == 0)
    days, ended_count, censored_count = days[keep], ended_count[keep], censored_count[keep]
    leaving = leaving[keep]
    at_risk = leaving[::-1].cumsum()[::-1]

    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(np.where(at_risk > 0, 1 - ended_count / at_risk, np.nan))
        greenwood = np.cumsum(
            np.where(ended_count < at_risk, ended_count / (at_risk * (at_risk - ended_count)), 0.0)
        )
        log_survival = np.log(survival)
        spread = np.exp(z * np.sqrt(greenwood) / np.abs(log_survival))
        low = survival**spread
        high = survival ** (1 / spread)
    at_one = survival == 1
    at_zero = survival == 0
    low = np.where(at_one, 1.0, np.where(at_zero, 0.0, low))
    high = np.where(at_one, 1.0, np.where(at_zero, 0.0, high))

    return pd.DataFrame(
        {
            "day": days.astype(np.int64),
            "at_risk": at_risk.astype(np.int64),
            "events": ended_count.astype(np.int64),
            "censored": censored_count.astype(np.int64),
            "survival": survival,
            "survival_low": low,
            "survival_high": high,
        }
    )


def km_quantile(curve: pd.DataFrame, share_ended):
    """First day on which the share still open falls to ``1 - share_ended`` or below, else NaN.

    The median is ``km_quantile(curve, 0.5)`` (first day with survival <= 0.5) and the 90th
    percentile is ``km_quantile(curve, 0.9)`` (first day with survival <= 0.1), as in
    ``docs/metrics.md`` "Times".

    Args:
        curve: A frame from :func:`kaplan_meier` (columns ``day`` and ``survival``).
        share_ended: Share of cases ended, 0..1; a scalar or a sequence of them.

    Returns:
        The day as a float (NaN where the curve never falls that far), or an array of them for a
        sequence of shares.
    """
    shares = _as_float_array(share_ended)
    if np.any(np.isnan(shares)) or np.any((shares < 0) | (shares > 1)):
        raise ValueError("share_ended must be between 0 and 1")
    day = curve["day"].to_numpy(dtype=float)
    survival = curve["survival"].to_numpy(dtype=float)
    if np.any(np.diff(day) < 0):  # kaplan_meier's curves come sorted already
        order = np.argsort(day, kind="stable")
        day, survival = day[order], survival[order]
    result = np.full(shares.shape, np.nan)
    for i, share in np.ndenumerate(shares):
        reached = np.flatnonzero(survival <= (1 - share) + _SURVIVAL_TOLERANCE)
        if reached.size:
            result[i] = day[reached[0]]
    return _unwrap(result)


def funnel_limits(
    target_rate: float,
    denominators,
    kind: FunnelKind = "proportion",
    confidences: Sequence[float] = FUNNEL_CONFIDENCES,
    tau2: float | None = None,
) -> pd.DataFrame:
    """Funnel-plot control limits around a target rate, by denominator.

    Without ``tau2`` (chance alone) the limits are exact with the interpolation of Spiegelhalter
    (2005, Statistics in Medicine 24, appendix A.1.1): with r the p-quantile of the count
    (``scipy.stats`` ``ppf``: the smallest r with F(r) >= p) and a = (F(r) - p) / (F(r) -
    F(r - 1)), the limit is (r - a) / n. The count is Binomial(n, target) for
    ``kind="proportion"`` and Poisson(n * target / 1000) for ``kind="poisson"``. Lower limits
    are clipped at 0. Because counts are whole numbers, exact upper limits zig-zag slightly
    where few cases are expected, so they are not strictly monotone in n; the limits as counts,
    and the lower limits as rates, do not fall as n grows
    (property-tested in ``tests/test_measures.py``).

    With ``tau2`` (from :func:`overdispersion`) the limits allow for differences between units
    beyond chance, as in Spiegelhalter (2005, "Handling over-dispersion of performance
    indicators"), NHS England's SHMI and FunnelPlotR: target ± z·sqrt(s² + τ²) on the scale of
    :func:`funnel_z_scores`, transformed back (a proportion from arcsin(sqrt(p)); a Poisson rate
    from sqrt(observed / expected), the target times the square of the ratio limit), with the
    limits held inside the possible range (0 to 1, or 0 and above).

    Args:
        target_rate: The national rate. A proportion (0..1) for ``kind="proportion"``; a rate per
            1,000 units of the denominator (per 1,000 officer-years) for ``kind="poisson"``.
        denominators: The denominators to draw limits at, used as given (pass a fine grid for a
            smooth line, or the forces' own denominators). Whole numbers for proportions;
            officers (FTE, may be fractional) for Poisson rates. Missing or <= 0 gives NaN limits.
        kind: ``"proportion"`` or ``"poisson"``.
        confidences: Two-sided confidence levels of the limits.
        tau2: The between-unit variance τ² on the transformed scale; None for limits of chance
            alone.

    Returns:
        One row per denominator, in the given order, with column ``denominator`` and, for each
        confidence c, ``low_<c>`` and ``high_<c>`` where <c> is the percentage with "." as "_"
        (``low_95``, ``high_95``, ``low_99_8``, ``high_99_8``), in the units of ``target_rate``.
    """
    theta = _check_target(target_rate, kind)
    n = np.atleast_1d(_as_float_array(denominators))
    usable = n > 0
    if kind == "proportion" and np.any(usable & (n != np.round(n))):
        raise ValueError("denominators of proportions must be whole numbers")
    safe_n = np.where(usable, n, 1.0)
    columns, probabilities = [], []
    for confidence in confidences:
        alpha = 1 - _check_confidence(confidence)
        suffix = _confidence_suffix(confidence)
        columns += [f"low_{suffix}", f"high_{suffix}"]
        probabilities += [alpha / 2, 1 - alpha / 2]
    if tau2 is None:
        # every limit at once: scipy's per-call overhead, not the arithmetic, is what costs here
        limits = _interpolated_quantile_count(np.array(probabilities), safe_n, theta, kind)
        limits = limits / safe_n * (PER_OFFICERS if kind == "poisson" else 1.0)
    else:
        limits = _widened_limits(np.array(probabilities), safe_n, theta, kind, float(tau2))
    limits = np.where(usable, np.maximum(limits, 0.0), np.nan)
    return pd.DataFrame({"denominator": n} | dict(zip(columns, limits, strict=True)))


def funnel_flags(
    observed_rate,
    denominator,
    target_rate: float,
    kind: FunnelKind = "proportion",
    tau2: float | None = None,
) -> pd.Series:
    """Where each observed rate sits against the 95% and 99.8% funnel limits around the target
    (widened by ``tau2`` if given, see :func:`funnel_limits`).

    Args:
        observed_rate: Observed rate(s), in the units of ``target_rate`` (see
            :func:`funnel_limits`).
        denominator: The denominator behind each observed rate (if both are Series, matched on
            the index of ``observed_rate``).
        target_rate: The national rate.
        kind: ``"proportion"`` or ``"poisson"``.

    Returns:
        A Series named ``funnel_flag`` (indexed like ``observed_rate`` if it is a Series) holding
        "above 99.8%", "above 95%", "within", "below 95%" or "below 99.8%": above or below means
        strictly beyond the limit. "not assessed" where the rate or denominator is missing or the
        denominator is not positive.
    """
    denominator = _aligned_to(observed_rate, denominator)
    rate = np.atleast_1d(_as_float_array(observed_rate))
    n = np.atleast_1d(_as_float_array(denominator))
    rate, n = np.broadcast_arrays(rate, n)
    limits = funnel_limits(target_rate, n, kind, FUNNEL_CONFIDENCES, tau2)
    flag = np.select(
        [
            np.isnan(rate) | ~(n > 0),
            # exactly on target is within: exact limits at a target of 0 or 1 can exclude it
            rate == float(target_rate),
            rate > limits["high_99_8"].to_numpy(),
            rate > limits["high_95"].to_numpy(),
            rate < limits["low_99_8"].to_numpy(),
            rate < limits["low_95"].to_numpy(),
        ],
        [FUNNEL_NOT_ASSESSED, "within", "above 99.8%", "above 95%", "below 99.8%", "below 95%"],
        default="within",
    )
    index = observed_rate.index if isinstance(observed_rate, pd.Series) else None
    return pd.Series(flag, index=index, name="funnel_flag", dtype=object).astype(str)


@dataclass(frozen=True)
class Dispersion:
    """How far units (forces) differ from the target beyond chance: over-dispersion.

    Attributes:
        units: How many units were compared (n).
        phi: The dispersion ratio: the mean of the winsorised squared z-scores (about 1 when
            units differ by chance alone); NaN with fewer than two units.
        tau2: The DerSimonian-Laird between-unit variance τ² on the transformed scale of
            :func:`funnel_z_scores`, from the winsorised z-scores (0 if they show no excess).
        overdispersed: Whether n·phi exceeds (n - 1) + 2·sqrt(2(n - 1)), the test of NHS
            England's SHMI: the expected value of a chi-square on n - 1 degrees of freedom
            plus two of its standard deviations.
    """

    units: int
    phi: float
    tau2: float
    overdispersed: bool

    @property
    def tau(self) -> float:
        """τ, the between-unit standard deviation on the transformed scale."""
        return math.sqrt(self.tau2)

    @property
    def applied_tau2(self) -> float | None:
        """τ² where the test finds over-dispersion, else None: the limits of chance alone."""
        return self.tau2 if self.overdispersed else None

    def spread(self, target_rate: float, kind: FunnelKind) -> float:
        """τ back on the rate's own scale, near the target (delta method): for a proportion, in
        proportion points (2·sqrt(p(1 - p))·τ); for a Poisson rate, as a share of the target
        (2·τ), since the ratio is the square of the transformed value."""
        if kind == "proportion":
            return 2 * math.sqrt(target_rate * (1 - target_rate)) * self.tau
        return 2 * self.tau


def funnel_z_scores(numerator, denominator, target_rate: float, kind: FunnelKind = "proportion"):
    """Each unit's z-score against the target on a variance-stabilising scale, and its standard
    error s there.

    Proportions use the angular transformation (FunnelPlotR's "PR"): y = arcsin(sqrt(x / n)),
    target arcsin(sqrt(θ)), s = 1 / (2·sqrt(n)). Poisson rates use the square-root
    transformation of the ratio of observed to expected counts (FunnelPlotR's "SR" with the CQC
    method): E = n·θ / 1,000, y = sqrt(x / E), target 1, s = 1 / (2·sqrt(E)), so that
    z = 2·(sqrt(x) - sqrt(E)). Both keep s free of the unknown rate, which over-dispersion
    needs.

    Args:
        numerator: Cases (a proportion's successes, or a Poisson count).
        denominator: A proportion's trials, or officer-years for a rate per 1,000 a year.
        target_rate: As in :func:`funnel_limits`.
        kind: ``"proportion"`` or ``"poisson"``.

    Returns:
        ``(z, s)``: arrays, NaN where the denominator is missing or not positive (or a Poisson
        target of 0 leaves nothing expected).
    """
    theta = _check_target(target_rate, kind)
    x = np.atleast_1d(_as_float_array(numerator))
    n = np.atleast_1d(_as_float_array(denominator))
    x, n = np.broadcast_arrays(x, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "proportion":
            _check_proportion_counts(x, n)
            s = 1 / (2 * np.sqrt(n))
            z = (np.arcsin(np.sqrt(x / n)) - np.arcsin(math.sqrt(theta))) / s
        else:
            expected = n * theta / PER_OFFICERS
            s = 1 / (2 * np.sqrt(expected))
            z = 2 * (np.sqrt(x) - np.sqrt(expected))
            n = expected
    usable = (n > 0) & ~np.isnan(x)
    return np.where(usable, z, np.nan), np.where(usable, s, np.nan)


def winsorised(values, share: float = WINSORISED_SHARE) -> np.ndarray:
    """Values pulled in to the ``share`` and ``1 - share`` quantiles (linear interpolation, as R's
    default ``quantile`` that FunnelPlotR uses); missing values stay missing."""
    data = np.atleast_1d(_as_float_array(values))
    present = data[~np.isnan(data)]
    if present.size == 0:
        return data
    low, high = np.quantile(present, [share, 1 - share], method="linear")
    return np.clip(data, low, high)


def dersimonian_laird_tau2(z, s) -> float:
    """DerSimonian-Laird between-unit variance from z-scores and standard errors:
    max(0, (Σz² - (n - 1)) / (Σw - Σw² / Σw)) with w = 1 / s²; 0 with fewer than two units."""
    z = np.atleast_1d(_as_float_array(z))
    weight = 1 / np.atleast_1d(_as_float_array(s)) ** 2
    if z.size < 2:
        return 0.0
    spread = weight.sum() - (weight**2).sum() / weight.sum()
    if not spread > 0:
        return 0.0
    return max(0.0, float(((z**2).sum() - (z.size - 1)) / spread))


def overdispersion(z, s, share: float = WINSORISED_SHARE) -> Dispersion:
    """Over-dispersion of units' z-scores (:func:`funnel_z_scores`), as in NHS England's SHMI:
    z-scores winsorised at ``share`` at each end, phi the mean of their squares, the test
    n·phi > (n - 1) + 2·sqrt(2(n - 1)), and τ² by DerSimonian-Laird from the winsorised
    z-scores. Units with a missing z-score are left out."""
    z = np.atleast_1d(_as_float_array(z))
    s = np.atleast_1d(_as_float_array(s))
    kept = ~np.isnan(z) & ~np.isnan(s)
    z, s = z[kept], s[kept]
    n = int(z.size)
    if n < 2:
        return Dispersion(units=n, phi=math.nan, tau2=0.0, overdispersed=False)
    pulled_in = winsorised(z, share)
    phi = float(np.mean(pulled_in**2))
    excess = n * phi > (n - 1) + 2 * math.sqrt(2 * (n - 1))
    return Dispersion(
        units=n, phi=phi, tau2=dersimonian_laird_tau2(pulled_in, s), overdispersed=bool(excess)
    )


def relative_rate(
    group_successes,
    group_trials,
    reference_successes,
    reference_trials,
    confidence: float = 0.95,
):
    """Ratio of a group's proportion to the reference group's, with the log (Katz) interval.

    ``docs/metrics.md``: groups with fewer than 10 at a stage show no ratio. All three values are
    NaN where either denominator is below 10 (or missing), or where either numerator is 0, since
    the log interval cannot then be formed.

    Args:
        group_successes: Cases of the group that moved to the next stage.
        group_trials: Cases of the group at this stage.
        reference_successes: Cases of the reference group (White) that moved on.
        reference_trials: Cases of the reference group at this stage.
        confidence: Two-sided confidence level.

    Returns:
        ``(ratio, low, high)``: floats for scalar input, numpy arrays otherwise.
    """
    z = _z_value(confidence)
    a, n1, c, n2 = np.broadcast_arrays(
        _as_float_array(group_successes),
        _as_float_array(group_trials),
        _as_float_array(reference_successes),
        _as_float_array(reference_trials),
    )
    _check_proportion_counts(a, n1)
    _check_proportion_counts(c, n2)
    formable = (n1 >= 10) & (n2 >= 10) & (a > 0) & (c > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (a / n1) / (c / n2)
        se = np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
        low = ratio * np.exp(-z * se)
        high = ratio * np.exp(z * se)
    ratio, low, high = (np.where(formable, v, np.nan) for v in (ratio, low, high))
    return _unwrap(ratio), _unwrap(low), _unwrap(high)


def percent_change(current, previous) -> float | None:
    """Change from ``previous`` to ``current`` in percent (25.0 is up a quarter), else None.

    None where ``previous`` is 0, or where either value is missing.
    """
    if _is_missing(current) or _is_missing(previous) or previous == 0:
        return None
    return float((current - previous) / previous * 100)


def interpolated_quantile(values, q):
    """Quantile by linear interpolation between closest ranks, as pandas' default ``quantile``.

    Meant for small arrays and tests: the dashboard computes the same figure in DuckDB with
    ``quantile_cont``. Missing values are skipped, as pandas does.

    Args:
        values: The numbers (e.g. days to dissemination, one per referral).
        q: Quantile(s) between 0 and 1 (0.5 for the median, 0.9 for the 90th percentile).

    Returns:
        A float for scalar ``q`` (NaN if there are no values), or an array for a sequence of ``q``.
    """
    qs = _as_float_array(q)
    if np.any(np.isnan(qs)) or np.any((qs < 0) | (qs > 1)):
        raise ValueError("q must be between 0 and 1")
    data = np.atleast_1d(_as_float_array(values)).ravel()
    data = data[~np.isnan(data)]
    if data.size == 0:
        return _unwrap(np.full(qs.shape, np.nan))
    return _unwrap(np.quantile(data, qs, method="linear"))


def _interpolated_quantile_count(
    p: np.ndarray, n: np.ndarray, theta: float, kind: FunnelKind
) -> np.ndarray:
    """Spiegelhalter's interpolated p-quantile of the count at each denominator ``n``: one row
    per probability in ``p``, one column per denominator."""
    p = p[:, np.newaxis]
    if kind == "proportion":
        size = np.round(n).astype(np.int64)
        r = stats.binom.ppf(p, size, theta)
        at_r, below_r = stats.binom.cdf(np.stack([r, r - 1]), size, theta)
    else:
        mean = n * theta / PER_OFFICERS
        r = stats.poisson.ppf(p, mean)
        at_r, below_r = stats.poisson.cdf(np.stack([r, r - 1]), mean)
    return r - (at_r - p) / (at_r - below_r)


def _widened_limits(
    p: np.ndarray, n: np.ndarray, theta: float, kind: FunnelKind, tau2: float
) -> np.ndarray:
    """Limits at probabilities p, widened by τ² on the transformed scale and transformed back:
    one row per probability, one column per denominator."""
    z = special.ndtri(p)[:, np.newaxis]
    if kind == "proportion":
        spread = np.sqrt(1 / (4 * n) + tau2)
        angle = np.clip(math.asin(math.sqrt(theta)) + z * spread, 0.0, math.pi / 2)
        return np.sin(angle) ** 2
    expected = n * theta / PER_OFFICERS
    with np.errstate(divide="ignore"):
        spread = np.sqrt(1 / (4 * expected) + tau2)
    # a target of 0 expects nothing anywhere: its limits are 0, not 0 times infinity
    return np.where(expected > 0, theta * np.clip(1 + z * spread, 0.0, None) ** 2, 0.0)


def _aligned_to(values, other):
    """``other`` matched to the index of ``values`` when both are Series, else unchanged."""
    # Identical indexes (duplicate labels included) already pair up row by row.
    if (
        isinstance(values, pd.Series)
        and isinstance(other, pd.Series)
        and not other.index.equals(values.index)
    ):
        return other.reindex(values.index)
    return other


def _check_target(target_rate: float, kind: str) -> float:
    """The target as a float, checked against the kind of funnel."""
    if kind not in ("proportion", "poisson"):
        raise ValueError(f"kind must be 'proportion' or 'poisson', not {kind!r}")
    theta = float(target_rate)
    if math.isnan(theta) or theta < 0 or (kind == "proportion" and theta > 1):
        raise ValueError(f"target_rate {target_rate!r} is not a valid {kind} target")
    return theta


def _confidence_suffix(confidence: float) -> str:
    """``0.95`` -> ``"95"``, ``0.998`` -> ``"99_8"``: a percentage usable in a column name."""
    return f"{round(confidence * 100, 6):g}".replace(".", "_")


def _check_confidence(confidence: float) -> float:
    """The confidence level, refused unless strictly between 0 and 1."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    return float(confidence)


def _z_value(confidence: float) -> float:
    """Standard normal quantile for a two-sided confidence level."""
    # ndtri is the standard normal quantile without the per-call overhead of stats.norm.ppf.
    return float(special.ndtri(0.5 + _check_confidence(confidence) / 2))


def _as_float_array(values) -> np.ndarray:
    """Numbers as a float array, with pandas' missing values (NA, None) as NaN."""
    if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        return np.asarray(values.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    if values is None or values is pd.NA:
        return np.array(np.nan)
    return np.asarray(values, dtype=float)


def _check_proportion_counts(successes: np.ndarray, trials: np.ndarray) -> None:
    """Refuse negative counts and numerators larger than their denominators."""
    with np.errstate(invalid="ignore"):
        if np.any(successes < 0) or np.any(trials < 0):
            raise ValueError("counts must not be negative")
        if np.any(successes > trials):
            raise ValueError("a numerator is larger than its denominator")


def _check_whole_non_negative(values: np.ndarray, label: str) -> None:
    """Refuse negative or fractional values (missing values pass)."""
    present = values[~np.isnan(values)]
    if np.any(present < 0) or np.any(present != np.round(present)):
        raise ValueError(f"{label} must be whole numbers, 0 or more")


def _is_missing(value) -> bool:
    """True for None, pandas NA and NaN."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(math.isnan(value))
    except TypeError:
        return False


def _unwrap(values: np.ndarray):
    """A 0-d array as a Python float; anything else unchanged."""
    values = np.asarray(values)
    return values.item() if values.ndim == 0 else values
