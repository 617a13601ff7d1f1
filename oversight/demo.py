"""Synthetic extracts: the calibrated demo, and extracts of any size for benchmarks.

The demo tells the service's story: a Metropolitan Police pilot from 29 November 2022 to
29 February 2024, a short gap, then a national service for every force from 14 March 2024.
The pilot's totals (reports, channels, referrals, assessments) are reproduced exactly; the rest is
drawn from plausible distributions. Everything here is synthetic: no row describes a real report,
person or case.

What the demo shows, and why:

- The pilot's published figures are the Met's: every pilot report names the Met
  (subject_force = metropolitan) and every pilot referral went to the Met, 728 assessed as an
  investigation and 139 as transferred. The published figures do not say which force each of
  the 139 went on to, so the demo records no follow-up referral for them: they stay as the Met's
  "transferred" referrals and lead nowhere in the data. (In the national service a transferred
  referral is followed by one to the subject's own force.)
- The national rate of reports per 1,000 officers is calibrated on the pilot (about 5.75 a
  month: 2,878 reports over the pilot's 15 months, 33,293 Met officers), so the Met carries on
  at its pilot level after the national launch and every other force reports at the same rate
  per officer, times a fixed factor of its own.
- Forces differ persistently, as real forces do: each has a fixed reporting factor (lognormal,
  sd FORCE_REPORTING_SD), its own assessment mix (a fixed draw around the national mix; the
  Met's is close to its pilot, where most referrals were investigated) and a fixed factor on
  the odds of a case to answer. Some forces therefore sit outside the funnel plot's limits.
- Only police officers hold a rank, so only they can be reduced in rank. Everyone dismissed or
  who would have been is barred (some days later; a barring after the as-at date is not yet
  recorded).
- A difference between ethnic groups at the case-to-answer stage is planted on purpose (see
  CASE_TO_ANSWER_RELATIVE_RATE), so that the fairness page has something to show.

Rows are generated as integer codes and day numbers with vectorised numpy, then formatted and
written by DuckDB, so a million reports take a few seconds. The same seed gives byte-identical
files: nothing depends on today's date, the environment or the order of a mapping.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from oversight.constants import NATIONAL_LAUNCH, PILOT_FIRST, PILOT_FORCE, PILOT_LAST
from oversight.contract import (
    ASSESSMENTS,
    CATEGORIES,
    CHANNELS,
    COLUMNS,
    DUTY_STATUSES,
    OUTCOMES,
    SETTINGS,
    SUBJECT_ETHNICITIES,
    SUBJECT_ROLES,
    SUBJECT_SEXES,
    TABLES,
)
from oversight.db import DatabaseError, import_counts, require_duckdb_file
from oversight.settings import DEMO_DIR, DUCKDB_CONFIG, FORCES_CSV

DEMO_SEED = 20221129
DEMO_AS_AT = datetime.date(2026, 10, 31)

PILOT_START, PILOT_END, NATIONAL_START = PILOT_FIRST, PILOT_LAST, NATIONAL_LAUNCH
PILOT_REPORT_COUNT = 2878
PILOT_PHONE_COUNT = 1988
PILOT_REFERRAL_COUNT = 867
PILOT_INVESTIGATION_COUNT = 728  # the other 139 pilot referrals were transferred

REPORT_COLUMNS = COLUMNS["reports"]
REFERRAL_COLUMNS = COLUMNS["referrals"]
OUTCOME_COLUMNS = COLUMNS["outcomes"]

DAYS_PER_MONTH = 365.25 / 12
# Reports per 1,000 officers (FTE) per month at the national launch, before each force's factor
# and the monthly noise, are calibrated on the pilot (see _national_rate_per_1000): the Met's
# pilot reports per month per 1,000 of its officers, about 5.75.
# The pilot's daily volume rises by PILOT_RAMP from its first day to its last (awareness grows);
# the national service's by NATIONAL_GROWTH_PER_YEAR from the launch.
PILOT_RAMP = 0.15
NATIONAL_GROWTH_PER_YEAR = 0.05
# Forces outside the Home Office workforce series have no officer FTE: monthly volumes by hand.
MONTHLY_REPORTS_WITHOUT_FTE = {
    "btp": 14.0,
    "police_scotland": 56.0,
    "northern_ireland": 21.0,
    "civil_nuclear_constabulary": 3.0,
    "ministry_of_defence_police": 3.0,
}
MONTHLY_REPORTS_OTHER_FORCE = 7.0
UNKNOWN_FORCE_SHARE = 0.04

# Persistent differences between forces, drawn once per extract. Each force's reporting rate is
# the national rate times a lognormal factor with mean 1 (the Met's is 1: its rate is the
# calibration); each force's odds of a case to answer are the national odds times a lognormal
# factor with median 1. With as many reports as the demo holds, a factor this wide puts many
# forces outside the funnel plot's limits over the whole national period, as in real
# misconduct data (which is overdispersed); over shorter periods fewer.
FORCE_REPORTING_SD = 0.25
FORCE_CASE_TO_ANSWER_SD = 0.25

# Mixes: (value, weight); an empty value is written as an empty cell.
CATEGORY_WEIGHTS = np.array([0.08, 0.24, 0.26, 0.14, 0.18, 0.10])
CATEGORY_COUNT_MIX = np.array([0.74, 0.21, 0.05])  # one, two or three categories
ROLE_MIX = (("officer", 0.82), ("staff", 0.13), ("volunteer", 0.02), ("unknown", 0.03))
DUTY_MIX = (("on_duty", 0.52), ("off_duty", 0.28), ("unknown", 0.08), ("", 0.12))
DUTY_MIX_DOMESTIC = (("on_duty", 0.12), ("off_duty", 0.68), ("unknown", 0.08), ("", 0.12))
SETTING_MIX = (("in_person", 0.70), ("online", 0.12), ("unknown", 0.06), ("", 0.12))
SETTING_MIX_DISCRIMINATION = (("in_person", 0.48), ("online", 0.34), ("unknown", 0.06), ("", 0.12))
SEX_MIX = (("male", 0.74), ("female", 0.17), ("other", 0.005), ("not_stated", 0.04), ("", 0.045))
ETHNICITY_MIX = (
    ("white", 0.77),
    ("asian", 0.045),
    ("black", 0.035),
    ("mixed", 0.025),
    ("other", 0.01),
    ("not_stated", 0.055),
    ("", 0.06),
)
ANONYMOUS_SHARE = {"phone": 0.55, "online": 0.69}
ONLINE_SHARE_AT_LAUNCH = 0.38
ONLINE_SHARE_GROWTH_PER_YEAR = 0.055

# Hour of receipt (UK local time), weights for hours 0..23. Phone lines are staffed mostly in
# the day; online forms arrive at any hour, most in the evening.
PHONE_HOUR_WEIGHTS = np.concatenate(
    [
        [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1.5, 5, 8, 9, 9],  # 00:00 to 11:59
        [8, 8, 9, 8, 7, 5, 3, 2, 1.5, 1, 0.6, 0.3],  # 12:00 to 23:59
    ]
)
ONLINE_HOUR_WEIGHTS = np.concatenate(
    [
        [2, 1.4, 1, 0.7, 0.5, 0.5, 0.8, 1.5, 2.5, 3, 3.2, 3.3],
        [3.5, 3.4, 3.3, 3.3, 3.5, 3.8, 4.2, 4.8, 5.2, 5.3, 4.6, 3.2],
    ]
)
WEEKEND_FACTOR = 0.75

# Dissemination (a referral to a force) and the receiving force's assessment.
DISSEMINATION_RATE = 0.30
# A national referral goes first to the wrong force, which transfers it, this often.
TRANSFER_SHARE = 0.03
# What a force decides about a referral it keeps (weights). Each force has its own mix, drawn
# once from a Dirichlet distribution around ASSESSMENT_MIX (ASSESSMENT_CONCENTRATION = 60 gives
# an investigation share of about 54% with a standard deviation of about 6 points between
# forces). The Met's is set close to its pilot, in which 728 of 867 referrals (84%) were
# investigated and none was assessed as safeguarding, intelligence only or no further action.
ASSESSMENT_MIX = (
    ("investigation", 0.52),
    ("safeguarding", 0.105),
    ("intelligence_only", 0.21),
    ("no_further_action", 0.125),
)
MET_ASSESSMENT_MIX = (
    ("investigation", 0.80),
    ("safeguarding", 0.05),
    ("intelligence_only", 0.10),
    ("no_further_action", 0.05),
)
ASSESSMENT_CONCENTRATION = 60.0

# Delays in days: lognormal (median, sigma), rounded, then clipped to [low, high].
DISSEMINATION_DELAY = (20.0, 0.75, 1, 365)
TRANSFER_DELAY = (5.0, 0.6, 1, 60)
ASSESSMENT_DELAY = (10.0, 1.0, 0, 365)
FINDING_DELAY = (170.0, 0.75, 14, 2000)  # from assessment; about 180 days from referral
PROCEEDINGS_DELAY = (120.0, 0.6, 7, 1500)
BARRING_DELAY = (30.0, 0.6, 1, 365)
CHARGE_DELAY = (150.0, 0.6, 7, 1500)
VERDICT_DELAY = (270.0, 0.5, 30, 1500)

# Investigation findings: no_case_to_answer, false_allegation, case_to_answer_misconduct,
# case_to_answer_gross_misconduct, nationally (each force's odds of a case to answer are scaled
# by its own factor, FORCE_CASE_TO_ANSWER_SD).
FINDING_MIX = np.array([0.45, 0.04, 0.35, 0.16])
# Planted on purpose for the fairness page, and documented as such: in every force,
# investigations of Black and Asian subjects reach a case to answer about 1.2 times as often as
# those of White subjects. The data is synthetic; the difference exists so that the page has
# something to show.
CASE_TO_ANSWER_RELATIVE_RATE = 1.2
CASE_TO_ANSWER_CAP = 0.95  # no probability of a case to answer above this
MISCONDUCT_PROCEEDINGS_MIX = (
    ("no_further_action", 0.10),
    ("reflective_practice", 0.25),
    ("management_advice", 0.30),
    ("written_warning", 0.22),
    ("final_written_warning", 0.13),
)
GROSS_MISCONDUCT_PROCEEDINGS_MIX = (
    ("dismissed", 0.45),
    ("would_have_been_dismissed", 0.10),
    ("final_written_warning", 0.24),
    ("reduction_in_rank", 0.09),
    ("no_further_action", 0.12),
)
# Police staff, volunteers and subjects of unknown role hold no rank, so cannot be reduced in it.
GROSS_MISCONDUCT_PROCEEDINGS_MIX_NOT_OFFICER = tuple(
    item for item in GROSS_MISCONDUCT_PROCEEDINGS_MIX if item[0] != "reduction_in_rank"
)
# Of dismissed and would-have-been-dismissed: everyone removed from policing is barred.
BARRED_SHARE = 1.0
# Criminal charges, only where the investigation finds a case to answer: about 4% of all
# investigations, more where the report is of sexual misconduct, domestic abuse or corruption.
CHARGE_SHARE_SERIOUS = 0.15
CHARGE_SHARE_OTHER = 0.04
SERIOUS_CATEGORIES = ("corrupt_exchange", "sexual_misconduct", "domestic_abuse")
VERDICT_MIX = (("convicted", 0.65), ("acquitted", 0.25), ("", 0.10))  # "" = no verdict yet

SECONDS_PER_DAY = 86_400
OFFICE_HOURS = (8 * 3600, 18 * 3600)  # when forces record referrals


@dataclass(frozen=True)
class _Forces:
    """The forces reference, as the generator needs it."""

    codes: np.ndarray  # force_code, sorted, without "unknown"
    monthly_reports: np.ndarray  # expected reports naming the force per month, before growth
    reporting_factor: np.ndarray  # the force's fixed factor, already in monthly_reports
    assessment_mix: np.ndarray  # (force, ASSESSMENT_MIX code): the force's weights, sum 1
    case_to_answer_odds: np.ndarray  # the force's fixed factor on the odds of a case to answer

    def index(self, code: str) -> int:
        return int(np.flatnonzero(self.codes == code)[0])


@dataclass
class _Reports:
    day: np.ndarray  # days since 1970-01-01 of received_at
    second: np.ndarray  # seconds after midnight, UK local time
    force: np.ndarray  # index into _Forces.codes; len(codes) means "unknown"
    pilot: np.ndarray
    channel: np.ndarray
    categories: np.ndarray  # bit i set = CATEGORIES[i]
    role: np.ndarray
    anonymous: np.ndarray
    duty_status: np.ndarray  # -1 = left empty
    setting: np.ndarray
    sex: np.ndarray
    ethnicity: np.ndarray


@dataclass
class _Referrals:
    report: np.ndarray  # index into _Reports
    force: np.ndarray
    day: np.ndarray
    second: np.ndarray
    has_time: np.ndarray  # written as a date-time (else as a date)
    assessment: np.ndarray
    assessed_day: np.ndarray  # -1 while pending


@dataclass
class _Outcomes:
    referral: np.ndarray  # index into _Referrals
    outcome: np.ndarray
    day: np.ndarray


def write_demo_extract(out_dir: Path, seed: int = DEMO_SEED) -> dict[str, Path]:
    """Write reports.csv, referrals.csv, outcomes.csv (the calibrated demo) to out_dir.

    Returns:
        {"reports": path, "referrals": path, "outcomes": path}.
    """
    rng = np.random.default_rng(seed)
    forces = _read_forces(rng)
    pilot = _pilot_reports(rng, forces)
    national = _national_reports(rng, forces, DEMO_AS_AT, n_reports=None)
    reports = _describe_reports(rng, forces, pilot, national)
    referrals = _make_referrals(rng, forces, reports, DEMO_AS_AT)
    outcomes = _make_outcomes(rng, forces, reports, referrals, DEMO_AS_AT)
    return _write_extract(Path(out_dir), forces, reports, referrals, outcomes)


def write_synthetic_extract(
    out_dir: Path,
    n_reports: int,
    seed: int = 1,
    as_at: datetime.date = DEMO_AS_AT,
    id_prefix: str = "",
) -> dict[str, Path]:
    """Write an extract of exactly n_reports national-service reports, for benchmarks.

    The distributions are the demo's, without the pilot: reports run from the national launch
    (14 March 2024) to as_at, and each force's fixed differences are drawn afresh from seed.
    id_prefix (letters, digits, - and _) starts every id, so that two extracts can hold different
    rows.

    Returns:
        {"reports": path, "referrals": path, "outcomes": path}.
    """
    if n_reports < 0:
        raise ValueError(f"n_reports must be 0 or more, not {n_reports}")
    if not re.fullmatch(r"[A-Za-z0-9_-]*", id_prefix):
        raise ValueError(f"id_prefix may hold letters, digits, - and _ only, not {id_prefix!r}")
    if as_at < NATIONAL_START:
        raise ValueError(f"as_at must be on or after {NATIONAL_START.isoformat()}, not {as_at}")
    rng = np.random.default_rng(seed)
    forces = _read_forces(rng)
    national = _national_reports(rng, forces, as_at, n_reports=n_reports)
    reports = _describe_reports(rng, forces, None, national)
    referrals = _make_referrals(rng, forces, reports, as_at)
    outcomes = _make_outcomes(rng, forces, reports, referrals, as_at)
    return _write_extract(Path(out_dir), forces, reports, referrals, outcomes, id_prefix)


def _national_rate_per_1000(pilot_force_fte: float) -> float:
    """Reports per 1,000 officers per month in the pilot: the national service's rate."""
    pilot_months = ((PILOT_END - PILOT_START).days + 1) / DAYS_PER_MONTH
    return PILOT_REPORT_COUNT / pilot_months / pilot_force_fte * 1000


def _mix_weights(mix: tuple[tuple[str, float], ...]) -> np.ndarray:
    """A mix's weights in the order of ASSESSMENT_MIX, summing to 1."""
    weights = dict(mix)
    values = np.array([weights[code] for code, _ in ASSESSMENT_MIX])
    return values / values.sum()


def _read_forces(rng: np.random.Generator, path: Path = FORCES_CSV) -> _Forces:
    """The forces reference, with each force's expected volume and its fixed differences."""
    table = pd.read_csv(path, dtype={"force_code": str}, usecols=["force_code", "officer_fte"])
    table = table.sort_values("force_code", kind="stable").reset_index(drop=True)
    codes = table["force_code"].to_numpy(dtype=object)
    if PILOT_FORCE not in set(codes):
        raise ValueError(f"{path} has no force {PILOT_FORCE!r}, which the demo pilot needs")
    fte = pd.to_numeric(table["officer_fte"], errors="coerce").to_numpy(dtype=float)
    pilot_force = int(np.flatnonzero(codes == PILOT_FORCE)[0])
    if not fte[pilot_force] > 0:
        raise ValueError(
            f"{path} has no officer_fte for {PILOT_FORCE!r}, which calibrates the demo"
        )
    rate = _national_rate_per_1000(fte[pilot_force])
    by_hand = np.array(
        [MONTHLY_REPORTS_WITHOUT_FTE.get(code, MONTHLY_REPORTS_OTHER_FORCE) for code in codes]
    )
    n = len(codes)
    sd = FORCE_REPORTING_SD
    reporting_factor = rng.lognormal(-sd * sd / 2, sd, n)  # mean 1
    reporting_factor[pilot_force] = 1.0
    monthly = np.where(np.isnan(fte), by_hand, fte * rate / 1000) * reporting_factor
    assessment_mix = rng.dirichlet(ASSESSMENT_CONCENTRATION * _mix_weights(ASSESSMENT_MIX), n)
    assessment_mix[pilot_force] = _mix_weights(MET_ASSESSMENT_MIX)
    case_to_answer_odds = rng.lognormal(0.0, FORCE_CASE_TO_ANSWER_SD, n)
    return _Forces(
        codes=codes,
        monthly_reports=monthly,
        reporting_factor=reporting_factor,
        assessment_mix=assessment_mix,
        case_to_answer_odds=case_to_answer_odds,
    )


def _day_number(day: datetime.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def _weekday_factor(days: np.ndarray) -> np.ndarray:
    # Day 0 (1970-01-01) was a Thursday; weekdays are scaled so that a week averages 1.
    weekday = (days + 3) % 7
    weekday_level = (7 - 2 * WEEKEND_FACTOR) / 5
    return np.where(weekday >= 5, WEEKEND_FACTOR, weekday_level)


def _pilot_reports(rng: np.random.Generator, forces: _Forces) -> dict[str, np.ndarray]:
    """Exactly the pilot's reports: the Met only, with the published channel split."""
    days = np.arange(_day_number(PILOT_START), _day_number(PILOT_END) + 1)
    ramp = 1 + PILOT_RAMP * (days - days[0]) / (days[-1] - days[0])
    weights = ramp * _weekday_factor(days)
    day = np.sort(rng.choice(days, size=PILOT_REPORT_COUNT, p=weights / weights.sum()))
    # The pilot ran from its first day to its last: make sure both hold a report.
    day[0], day[-1] = days[0], days[-1]
    channel = np.ones(PILOT_REPORT_COUNT, dtype=np.int64)
    channel[:PILOT_PHONE_COUNT] = CHANNELS.index("phone")
    channel = rng.permutation(channel)
    force = np.full(PILOT_REPORT_COUNT, forces.index(PILOT_FORCE))
    return {"day": day, "force": force, "channel": channel}


def _national_reports(
    rng: np.random.Generator, forces: _Forces, as_at: datetime.date, n_reports: int | None
) -> dict[str, np.ndarray]:
    """National-service reports by force and day: Poisson volumes, or exactly n_reports."""
    days = np.arange(_day_number(NATIONAL_START), _day_number(as_at) + 1)
    years = (days - days[0]) / 365.25
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    month -= month[0]
    n_months = int(month[-1]) + 1
    national_noise = rng.lognormal(0.0, 0.06, n_months)
    force_noise = rng.lognormal(0.0, 0.10, (len(forces.codes), n_months))
    daily = (1 + NATIONAL_GROWTH_PER_YEAR * years) * _weekday_factor(days) * national_noise[month]
    expected = (forces.monthly_reports / DAYS_PER_MONTH)[:, None] * daily * force_noise[:, month]
    unknown = expected.sum(axis=0) * UNKNOWN_FORCE_SHARE / (1 - UNKNOWN_FORCE_SHARE)
    expected = np.vstack([expected, unknown[None, :]])
    if n_reports is None:
        counts = rng.poisson(expected)
    else:
        p = expected.ravel() / expected.sum()
        counts = rng.multinomial(n_reports, p).reshape(expected.shape)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    force, day_index = np.divmod(cell, len(days))
    day = days[day_index]
    online_share = np.minimum(
        0.6, ONLINE_SHARE_AT_LAUNCH + ONLINE_SHARE_GROWTH_PER_YEAR * years[day_index]
    )
    channel = (rng.random(len(day)) < online_share).astype(np.int64)
    return {"day": day, "force": force, "channel": channel}


def _draw(rng: np.random.Generator, mix: tuple[tuple[str, float], ...], codes, n: int):
    """Draw n values from a mix; returns indexes into codes, -1 where the value is empty."""
    values = [value for value, _ in mix]
    weights = np.array([weight for _, weight in mix])
    drawn = _draw_index(rng, weights, n)
    lookup = np.array([codes.index(value) if value else -1 for value in values])
    return lookup[drawn]


def _draw_index(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cumulative, rng.random(n), side="right"), len(weights) - 1)


def _lognormal_days(rng: np.random.Generator, delay: tuple[float, float, int, int], n: int):
    median, sigma, low, high = delay
    return np.clip(np.rint(rng.lognormal(np.log(median), sigma, n)), low, high).astype(np.int64)


def _draw_categories(rng: np.random.Generator, n: int) -> np.ndarray:
    """One to three distinct categories per report, as a bit mask (bit i = CATEGORIES[i])."""
    count = _draw_index(rng, CATEGORY_COUNT_MIX, n) + 1
    # Gumbel top-k: the k largest keys are a weighted sample of k categories without repeats.
    keys = np.log(CATEGORY_WEIGHTS) + rng.gumbel(size=(n, len(CATEGORIES)))
    kth_largest = -np.sort(-keys, axis=1)[np.arange(n), count - 1]
    chosen = keys >= kth_largest[:, None]
    return chosen.astype(np.int64) @ (1 << np.arange(len(CATEGORIES)))


def _time_of_day(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    n = len(channel)
    phone_hour = _draw_index(rng, PHONE_HOUR_WEIGHTS, n)
    online_hour = _draw_index(rng, ONLINE_HOUR_WEIGHTS, n)
    hour = np.where(channel == CHANNELS.index("phone"), phone_hour, online_hour)
    return hour * 3600 + rng.integers(0, 3600, n)


def _skip_missing_hour(day: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Move times in the hour that UK clocks skip (01:00-02:00 on the last Sunday of March)."""
    date = day.astype("datetime64[D]")
    month_start = date.astype("datetime64[M]")
    day_of_month = (date - month_start).astype(np.int64) + 1
    is_march = (month_start.astype(np.int64) % 12) == 2
    is_sunday = (day + 3) % 7 == 6
    skipped = is_march & is_sunday & (day_of_month >= 25) & (second // 3600 == 1)
    return np.where(skipped, second + 3600, second)


def _describe_reports(
    rng: np.random.Generator,
    forces: _Forces,
    pilot: dict[str, np.ndarray] | None,
    national: dict[str, np.ndarray],
) -> _Reports:
    """Give every report its attributes and a time of day; order them by receipt."""
    parts = [national] if pilot is None else [pilot, national]
    day = np.concatenate([part["day"] for part in parts]).astype(np.int64)
    force = np.concatenate([part["force"] for part in parts]).astype(np.int64)
    channel = np.concatenate([part["channel"] for part in parts]).astype(np.int64)
    is_pilot = np.zeros(len(day), dtype=bool)
    if pilot is not None:
        is_pilot[: len(pilot["day"])] = True
    n = len(day)

    categories = _draw_categories(rng, n)
    domestic = (categories >> CATEGORIES.index("domestic_abuse")) & 1 == 1
    discrimination = (categories >> CATEGORIES.index("discrimination")) & 1 == 1
    role = _draw(rng, ROLE_MIX, SUBJECT_ROLES, n)
    anonymous_share = np.where(
        channel == CHANNELS.index("phone"), ANONYMOUS_SHARE["phone"], ANONYMOUS_SHARE["online"]
    )
    anonymous = rng.random(n) < anonymous_share
    duty_status = np.where(
        domestic,
        _draw(rng, DUTY_MIX_DOMESTIC, DUTY_STATUSES, n),
        _draw(rng, DUTY_MIX, DUTY_STATUSES, n),
    )
    setting = np.where(
        discrimination,
        _draw(rng, SETTING_MIX_DISCRIMINATION, SETTINGS, n),
        _draw(rng, SETTING_MIX, SETTINGS, n),
    )
    sex = _draw(rng, SEX_MIX, SUBJECT_SEXES, n)
    ethnicity = _draw(rng, ETHNICITY_MIX, SUBJECT_ETHNICITIES, n)
    second = _skip_missing_hour(day, _time_of_day(rng, channel))

    order = np.lexsort((second, day))
    return _Reports(
        day=day[order],
        second=second[order],
        force=force[order],
        pilot=is_pilot[order],
        channel=channel[order],
        categories=categories[order],
        role=role[order],
        anonymous=anonymous[order],
        duty_status=duty_status[order],
        setting=setting[order],
        sex=sex[order],
        ethnicity=ethnicity[order],
    )


def _other_force(rng: np.random.Generator, forces: _Forces, force: np.ndarray) -> np.ndarray:
    """A force other than the given one, chosen in proportion to size."""
    n_forces = len(forces.codes)
    drawn = _draw_index(rng, forces.monthly_reports, len(force))
    shifted = (force + 1 + rng.integers(0, n_forces - 1, len(force))) % n_forces
    return np.where(drawn == force, shifted, drawn)


def _force_assessment(rng: np.random.Generator, forces: _Forces, force: np.ndarray) -> np.ndarray:
    """What each receiving force decides about a referral it keeps, drawn from its own mix."""
    cumulative = np.cumsum(forces.assessment_mix, axis=1)[force]
    drawn = (rng.random(len(force))[:, None] >= cumulative).sum(axis=1)
    drawn = np.minimum(drawn, len(ASSESSMENT_MIX) - 1)
    return np.array([ASSESSMENTS.index(code) for code, _ in ASSESSMENT_MIX])[drawn]


def _assess(
    rng: np.random.Generator, day: np.ndarray, assessment: np.ndarray, as_at_day: int
) -> tuple[np.ndarray, np.ndarray]:
    """Date each assessment; one that would fall after the as-at date is still pending."""
    assessed_day = day + _lognormal_days(rng, ASSESSMENT_DELAY, len(day))
    pending = assessed_day > as_at_day
    assessment = np.where(pending, ASSESSMENTS.index("pending"), assessment)
    return assessment, np.where(pending, -1, assessed_day)


def _make_referrals(
    rng: np.random.Generator, forces: _Forces, reports: _Reports, as_at: datetime.date
) -> _Referrals:
    """Disseminate about 30% of reports; transferred referrals are passed on to the right force.

    The pilot's referrals are the published ones: all to the Met, 728 investigations and 139
    transferred, with no follow-up referral (the pilot figures do not say where those went).
    """
    as_at_day = _day_number(as_at)
    n_forces = len(forces.codes)
    n = len(reports.day)
    investigation = ASSESSMENTS.index("investigation")
    transferred = ASSESSMENTS.index("transferred")

    # The pilot: exactly the published number of referrals, all to the Met, and no follow-ups
    # for the 139 transferred (see the module docstring).
    pilot_index = np.flatnonzero(reports.pilot)
    pilot_report = np.empty(0, dtype=np.int64)
    pilot_assessment = np.empty(0, dtype=np.int64)
    if len(pilot_index):
        weights = np.where(reports.anonymous[pilot_index], 0.8, 1.3)
        pilot_report = np.sort(
            rng.choice(pilot_index, PILOT_REFERRAL_COUNT, replace=False, p=weights / weights.sum())
        )
        pilot_assessment = np.full(PILOT_REFERRAL_COUNT, transferred)
        pilot_assessment[:PILOT_INVESTIGATION_COUNT] = investigation
        pilot_assessment = rng.permutation(pilot_assessment)

    # The national service: named, non-anonymous reports are passed on more often.
    unknown_force = reports.force == n_forces
    other_only = reports.categories == 1 << CATEGORIES.index("other")
    rate = (
        DISSEMINATION_RATE
        * np.where(reports.anonymous, 0.92, 1.15)
        * np.where(unknown_force, 0.4, 1.0)
        * np.where(other_only, 0.7, 1.0)
    )
    national_report = np.flatnonzero(~reports.pilot & (rng.random(n) < rate))
    # A few go first to a wrong force, which transfers them. A report naming no force cannot be
    # sent on to "its" force, so it is never transferred.
    national_transferred = (rng.random(len(national_report)) < TRANSFER_SHARE) & ~unknown_force[
        national_report
    ]

    report = np.concatenate([pilot_report, national_report])
    is_pilot = reports.pilot[report]
    day = reports.day[report] + _lognormal_days(rng, DISSEMINATION_DELAY, len(report))
    subject_force = reports.force[report]
    # A report naming no force goes to a force chosen in proportion to its volume.
    local_force = _draw_index(rng, forces.monthly_reports, len(report))
    force = np.where(subject_force == n_forces, local_force, subject_force)
    first_transferred = np.concatenate(
        [np.zeros(len(pilot_report), dtype=bool), national_transferred]
    )
    force = np.where(first_transferred, _other_force(rng, forces, subject_force), force)
    # Each force assesses what it keeps by its own mix; the pilot's are the published ones.
    assessment = np.where(first_transferred, transferred, _force_assessment(rng, forces, force))
    assessment[: len(pilot_report)] = pilot_assessment
    assessment, assessed_day = _assess(rng, day, assessment, as_at_day)
    kept = day <= as_at_day  # later referrals have not happened yet
    report, force, day, assessment, assessed_day, is_pilot, first_transferred = (
        values[kept]
        for values in (report, force, day, assessment, assessed_day, is_pilot, first_transferred)
    )

    # A transferred referral is followed, some days later, by one to the subject's force.
    passed_on = first_transferred & (assessment == transferred)
    second_report = report[passed_on]
    second_force = reports.force[second_report]
    second_day = assessed_day[passed_on] + _lognormal_days(rng, TRANSFER_DELAY, len(second_report))
    second_assessment = _force_assessment(rng, forces, second_force)
    second_assessment, second_assessed_day = _assess(rng, second_day, second_assessment, as_at_day)
    second_kept = second_day <= as_at_day

    report = np.concatenate([report, second_report[second_kept]])
    force = np.concatenate([force, second_force[second_kept]])
    day = np.concatenate([day, second_day[second_kept]])
    assessment = np.concatenate([assessment, second_assessment[second_kept]])
    assessed_day = np.concatenate([assessed_day, second_assessed_day[second_kept]])
    is_pilot = np.concatenate([is_pilot, np.zeros(int(second_kept.sum()), dtype=bool)])

    # The pilot's referrals were recorded as dates; the national service records a time.
    second = np.where(is_pilot, 0, rng.integers(*OFFICE_HOURS, len(report)))
    order = np.lexsort((report, second, day))
    return _Referrals(
        report=report[order],
        force=force[order],
        day=day[order],
        second=second[order],
        has_time=~is_pilot[order],
        assessment=assessment[order],
        assessed_day=assessed_day[order],
    )


def _make_outcomes(
    rng: np.random.Generator,
    forces: _Forces,
    reports: _Reports,
    referrals: _Referrals,
    as_at: datetime.date,
) -> _Outcomes:
    """Findings, proceedings, barring and criminal outcomes for investigations, in time order."""
    as_at_day = _day_number(as_at)
    case = np.flatnonzero(referrals.assessment == ASSESSMENTS.index("investigation"))
    n = len(case)
    ethnicity = reports.ethnicity[referrals.report[case]]
    categories = reports.categories[referrals.report[case]]
    officer = reports.role[referrals.report[case]] == SUBJECT_ROLES.index("officer")

    # Findings: the national odds of a case to answer times the investigating force's factor,
    # then the planted difference (see CASE_TO_ANSWER_RELATIVE_RATE).
    national_case_to_answer = FINDING_MIX[2:].sum()
    odds = national_case_to_answer / (1 - national_case_to_answer)
    odds = odds * forces.case_to_answer_odds[referrals.force[case]]
    elevated = np.isin(
        ethnicity, [SUBJECT_ETHNICITIES.index("black"), SUBJECT_ETHNICITIES.index("asian")]
    )
    p = odds / (1 + odds) * np.where(elevated, CASE_TO_ANSWER_RELATIVE_RATE, 1.0)
    p = np.minimum(p, CASE_TO_ANSWER_CAP)
    # One uniform draw per case: below p a case to answer (gross misconduct in its lower part,
    # in the national proportion), above it no case to answer (false allegation in its lower part).
    u = rng.random(n)
    case_to_answer = u < p
    gross = u < p * (FINDING_MIX[3] / FINDING_MIX[2:].sum())
    false_allegation = ~case_to_answer & (
        (u - p) / (1 - p) < FINDING_MIX[1] / FINDING_MIX[:2].sum()
    )
    finding = np.select(
        [gross, case_to_answer, false_allegation],
        [
            OUTCOMES.index("case_to_answer_gross_misconduct"),
            OUTCOMES.index("case_to_answer_misconduct"),
            OUTCOMES.index("false_allegation"),
        ],
        OUTCOMES.index("no_case_to_answer"),
    )
    finding_day = referrals.assessed_day[case] + _lognormal_days(rng, FINDING_DELAY, n)

    misconduct_result = _draw(rng, MISCONDUCT_PROCEEDINGS_MIX, OUTCOMES, n)
    gross_result = np.where(
        officer,
        _draw(rng, GROSS_MISCONDUCT_PROCEEDINGS_MIX, OUTCOMES, n),
        _draw(rng, GROSS_MISCONDUCT_PROCEEDINGS_MIX_NOT_OFFICER, OUTCOMES, n),
    )
    proceedings = np.where(gross, gross_result, misconduct_result)
    proceedings_day = finding_day + _lognormal_days(rng, PROCEEDINGS_DELAY, n)
    removed = np.isin(
        proceedings, [OUTCOMES.index("dismissed"), OUTCOMES.index("would_have_been_dismissed")]
    )
    # Barring follows removal, at least a day later (BARRING_DELAY); one that would fall after
    # the as-at date is dropped below, like every outcome not yet decided.
    barred = case_to_answer & removed & (rng.random(n) < BARRED_SHARE)
    barred_day = proceedings_day + _lognormal_days(rng, BARRING_DELAY, n)

    serious_mask = sum(1 << CATEGORIES.index(code) for code in SERIOUS_CATEGORIES)
    charge_share = np.where(
        categories & serious_mask != 0, CHARGE_SHARE_SERIOUS, CHARGE_SHARE_OTHER
    )
    charged = case_to_answer & (rng.random(n) < charge_share)
    charged_day = referrals.day[case] + _lognormal_days(rng, CHARGE_DELAY, n)
    verdict = _draw(rng, VERDICT_MIX, OUTCOMES, n)
    verdict_day = charged_day + _lognormal_days(rng, VERDICT_DELAY, n)

    # Stages in the order they are listed when they fall on the same day.
    stages = (
        (np.ones(n, dtype=bool), finding, finding_day),
        (charged, np.full(n, OUTCOMES.index("charged")), charged_day),
        (charged & (verdict >= 0), verdict, verdict_day),
        (case_to_answer, proceedings, proceedings_day),
        (barred, np.full(n, OUTCOMES.index("barred")), barred_day),
    )
    # Anything that would be decided after the as-at date has not happened yet.
    referral, outcome, day, stage = [], [], [], []
    for number, (happens, code, when) in enumerate(stages):
        kept = happens & (when <= as_at_day)
        referral.append(case[kept])
        outcome.append(code[kept])
        day.append(when[kept])
        stage.append(np.full(int(kept.sum()), number))
    referral_all = np.concatenate(referral)
    outcome_all = np.concatenate(outcome)
    day_all = np.concatenate(day)
    order = np.lexsort((np.concatenate(stage), referral_all, day_all))
    return _Outcomes(referral=referral_all[order], outcome=outcome_all[order], day=day_all[order])


def _id_width(count: int) -> int:
    return max(6, len(str(count)))


def _categorical(codes: np.ndarray, labels) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=list(labels))


def _timestamps(day: np.ndarray, second: np.ndarray) -> np.ndarray:
    return (day * SECONDS_PER_DAY + second).astype("datetime64[s]")


def _write_extract(
    out_dir: Path,
    forces: _Forces,
    reports: _Reports,
    referrals: _Referrals,
    outcomes: _Outcomes,
    id_prefix: str = "",
) -> dict[str, Path]:
    """Format and write the three CSV files with DuckDB (fast, and byte-for-byte repeatable).

    id_prefix is checked by the caller to hold only letters, digits, - and _.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    force_labels = [*forces.codes, "unknown"]
    category_labels = ["-"] + [
        ";".join(code for bit, code in enumerate(CATEGORIES) if mask >> bit & 1)
        for mask in range(1, 1 << len(CATEGORIES))
    ]
    report_frame = pd.DataFrame(
        {
            "number": np.arange(1, len(reports.day) + 1),
            "received": _timestamps(reports.day, reports.second),
            "channel": _categorical(reports.channel, CHANNELS),
            "categories": _categorical(reports.categories, category_labels),
            "subject_force": _categorical(reports.force, force_labels),
            "subject_role": _categorical(reports.role, SUBJECT_ROLES),
            "anonymous": reports.anonymous,
            "duty_status": _categorical(reports.duty_status, DUTY_STATUSES),
            "setting": _categorical(reports.setting, SETTINGS),
            "subject_sex": _categorical(reports.sex, SUBJECT_SEXES),
            "subject_ethnicity": _categorical(reports.ethnicity, SUBJECT_ETHNICITIES),
        }
    )
    assessed = np.where(referrals.assessed_day >= 0, referrals.assessed_day, 0)
    referral_frame = pd.DataFrame(
        {
            "number": np.arange(1, len(referrals.day) + 1),
            "report_number": referrals.report + 1,
            "force": _categorical(referrals.force, forces.codes),
            "referred": _timestamps(referrals.day, referrals.second),
            "has_time": referrals.has_time,
            "assessment": _categorical(referrals.assessment, ASSESSMENTS),
            "assessed": _timestamps(assessed, 0),
            "pending": referrals.assessed_day < 0,
        }
    )
    outcome_frame = pd.DataFrame(
        {
            "number": np.arange(1, len(outcomes.day) + 1),
            "referral_number": outcomes.referral + 1,
            "outcome": _categorical(outcomes.outcome, OUTCOMES),
            "decided": _timestamps(outcomes.day, 0),
        }
    )
    report_width = _id_width(len(report_frame))
    referral_width = _id_width(len(referral_frame))
    outcome_width = _id_width(len(outcome_frame))
    queries = {
        "reports": f"""
            select
                '{id_prefix}R' || lpad(number::varchar, {report_width}, '0') as report_id,
                strftime(received, '%Y-%m-%dT%H:%M:%S') as received_at,
                channel::varchar as channel,
                categories::varchar as categories,
                subject_force::varchar as subject_force,
                subject_role::varchar as subject_role,
                anonymous,
                duty_status::varchar as duty_status,
                setting::varchar as setting,
                subject_sex::varchar as subject_sex,
                subject_ethnicity::varchar as subject_ethnicity
            from report_frame
            order by number
        """,
        "referrals": f"""
            select
                '{id_prefix}F' || lpad(number::varchar, {referral_width}, '0') as referral_id,
                '{id_prefix}R' || lpad(report_number::varchar, {report_width}, '0') as report_id,
                force::varchar as force,
                case
                    when has_time then strftime(referred, '%Y-%m-%dT%H:%M:%S')
                    else strftime(referred, '%Y-%m-%d')
                end as referred_at,
                assessment::varchar as assessment,
                case when pending then null else strftime(assessed, '%Y-%m-%d') end as assessed_at
            from referral_frame
            order by number
        """,
        "outcomes": f"""
            select
                '{id_prefix}O' || lpad(number::varchar, {outcome_width}, '0') as outcome_id,
                '{id_prefix}F' || lpad(referral_number::varchar, {referral_width}, '0')
                    as referral_id,
                outcome::varchar as outcome,
                strftime(decided, '%Y-%m-%d') as decided_at
            from outcome_frame
            order by number
        """,
    }
    frames = {"reports": report_frame, "referrals": referral_frame, "outcomes": outcome_frame}
    paths = {name: out_dir / f"{name}.csv" for name in queries}
    with duckdb.connect(":memory:", config=DUCKDB_CONFIG) as con:
        for name, query in queries.items():
            con.register(f"{name[:-1]}_frame", frames[name])
            target = str(paths[name]).replace("'", "''")
            con.execute(f"copy ({query}) to '{target}' (format csv, header true, delimiter ',')")
    return paths


def _refuse_to_replace_a_stranger(db_path: Path, force: bool) -> None:
    """Raise DatabaseError if db_path is a file Oversight did not make: not DuckDB's (never
    handed to DuckDB, which would try to download an extension for a SQLite file), or without
    any import recorded, unless force. Real data is refused by import_extract itself."""
    if not db_path.exists():
        return
    require_duckdb_file(db_path)
    if not force and import_counts(db_path) == (0, 0):
        raise DatabaseError(
            f"{db_path} is not a database Oversight built (no import is recorded in it): "
            "refusing to replace it with the demo. Give another --db (or --force to replace it "
            "after all)."
        )


def build_demo_database(
    db_path: Path,
    out_dir: Path | None = None,
    progress=None,
    regenerate: bool = True,
    force: bool = False,
    only_if_absent: bool = False,
) -> None:
    """Build the demo database from the synthetic extract in out_dir, replacing db_path.

    With regenerate (the demo command) the extract is written afresh first; without it (the
    dashboard's first run) the files already in out_dir are used when all three are there.
    A database holding real data is never replaced unless force; with only_if_absent nothing
    is done if the database exists once the writer's lock is held (a first run racing an import).
    """
    from oversight.ingest import import_extract

    _refuse_to_replace_a_stranger(db_path, force)
    out_dir = out_dir or DEMO_DIR
    progress = progress or (lambda _: None)
    paths = [out_dir / f"{table}.csv" for table in TABLES]
    if regenerate or not all(path.exists() for path in paths):
        progress(f"generating the synthetic demo extract in {out_dir}")
        paths = list(write_demo_extract(out_dir).values())
    import_extract(
        paths,
        db_path,
        synthetic=True,
        replace=True,
        force=force,
        only_if_absent=only_if_absent,
        progress=progress,
    )
