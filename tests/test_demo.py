"""Tests for the synthetic demo generator, checked against the data contract with plain pandas."""

import datetime
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from oversight.demo import DEMO_AS_AT, DEMO_SEED, write_demo_extract, write_synthetic_extract

FORCES_CSV = Path(__file__).resolve().parent.parent / "data" / "forces.csv"

# Written out from the data contract, not imported from the generator.
REPORT_COLUMNS = [
    "report_id",
    "received_at",
    "channel",
    "categories",
    "subject_force",
    "subject_role",
    "anonymous",
    "duty_status",
    "setting",
    "subject_sex",
    "subject_ethnicity",
]
REFERRAL_COLUMNS = ["referral_id", "report_id", "force", "referred_at", "assessment", "assessed_at"]
OUTCOME_COLUMNS = ["outcome_id", "referral_id", "outcome", "decided_at"]
CHANNELS = {"phone", "online"}
CATEGORIES = [
    "corrupt_exchange",
    "abuse_of_position",
    "sexual_misconduct",
    "domestic_abuse",
    "discrimination",
    "other",
]
ROLES = {"officer", "staff", "volunteer", "unknown"}
DUTY_STATUSES = {"on_duty", "off_duty", "unknown"}
SETTINGS = {"in_person", "online", "unknown"}
SEXES = {"female", "male", "other", "not_stated"}
ETHNICITIES = {"asian", "black", "mixed", "white", "other", "not_stated"}
ASSESSMENTS = {
    "investigation",
    "safeguarding",
    "intelligence_only",
    "no_further_action",
    "transferred",
    "pending",
}
FINDINGS = {
    "no_case_to_answer",
    "false_allegation",
    "case_to_answer_misconduct",
    "case_to_answer_gross_misconduct",
}
PROCEEDINGS = {
    "no_further_action",
    "reflective_practice",
    "management_advice",
    "written_warning",
    "final_written_warning",
    "reduction_in_rank",
    "dismissed",
    "would_have_been_dismissed",
}
OUTCOMES = FINDINGS | PROCEEDINGS | {"charged", "convicted", "acquitted", "barred"}

REMOVED = {"dismissed", "would_have_been_dismissed"}
PILOT_FIRST, PILOT_LAST = pd.Timestamp("2022-11-29"), pd.Timestamp("2024-02-29")
NATIONAL_START = pd.Timestamp("2024-03-14")
DAYS_PER_MONTH = 365.25 / 12

DATE_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"
DATE = r"\d{4}-\d{2}-\d{2}"


def read_extract(paths: dict[str, Path]) -> dict[str, pd.DataFrame]:
    return {
        name: pd.read_csv(path, dtype=str, keep_default_na=False) for name, path in paths.items()
    }


def day(column: pd.Series) -> pd.Series:
    """The calendar date of a date or date-time column (the time of day is ignored)."""
    return pd.to_datetime(column.str[:10], format="%Y-%m-%d")


@pytest.fixture(scope="module")
def demo_paths(tmp_path_factory) -> dict[str, Path]:
    return write_demo_extract(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def demo(demo_paths) -> dict[str, pd.DataFrame]:
    return read_extract(demo_paths)


@pytest.fixture(scope="module")
def synthetic_paths(tmp_path_factory) -> dict[str, Path]:
    return write_synthetic_extract(tmp_path_factory.mktemp("synthetic"), n_reports=1000, seed=7)


@pytest.fixture(scope="module", params=["demo", "synthetic"])
def extract(request) -> dict[str, pd.DataFrame]:
    """Each extract in turn, for the contract checks that hold for both."""
    return read_extract(request.getfixturevalue(f"{request.param}_paths"))


@pytest.fixture(scope="module")
def force_codes() -> set[str]:
    return set(pd.read_csv(FORCES_CSV, dtype=str)["force_code"])


@pytest.fixture(scope="module")
def officer_fte() -> pd.Series:
    """Officers (FTE) by force, for the forces that have a figure."""
    forces = pd.read_csv(FORCES_CSV, dtype={"force_code": str})
    return forces.dropna(subset=["officer_fte"]).set_index("force_code")["officer_fte"]


def national(table: pd.DataFrame, column: str = "received_at") -> pd.DataFrame:
    return table[day(table[column]) >= NATIONAL_START]


def with_report(demo, table: str) -> pd.DataFrame:
    """Referrals or outcomes with their report's columns (and, for outcomes, the referral's)."""
    rows = demo[table]
    if table == "outcomes":
        rows = rows.merge(
            demo["referrals"][["referral_id", "report_id", "force"]], on="referral_id"
        )
    return rows.merge(demo["reports"], on="report_id")


# Determinism


def test_same_seed_writes_byte_identical_files(tmp_path, demo_paths):
    again = write_demo_extract(tmp_path / "again", seed=DEMO_SEED)
    assert sorted(again) == ["outcomes", "referrals", "reports"]
    for name, path in again.items():
        assert path.read_bytes() == demo_paths[name].read_bytes(), name


def test_different_seed_writes_different_files(tmp_path, demo_paths):
    other = write_demo_extract(tmp_path / "other", seed=DEMO_SEED + 1)
    assert other["reports"].read_bytes() != demo_paths["reports"].read_bytes()


def test_synthetic_is_deterministic(tmp_path):
    first = write_synthetic_extract(tmp_path / "a", n_reports=300, seed=3)
    second = write_synthetic_extract(tmp_path / "b", n_reports=300, seed=3)
    third = write_synthetic_extract(tmp_path / "c", n_reports=300, seed=4)
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name
    assert first["reports"].read_bytes() != third["reports"].read_bytes()


# The Metropolitan Police pilot, counted independently


def test_pilot_totals(demo):
    reports, referrals = demo["reports"], demo["referrals"]
    received = day(reports["received_at"])
    pilot = reports[(received >= "2022-11-29") & (received <= "2024-02-29")]
    assert len(pilot) == 2878
    assert set(pilot["subject_force"]) == {"metropolitan"}
    assert (pilot["channel"] == "phone").sum() == 1988
    assert (pilot["channel"] == "online").sum() == 890

    pilot_referrals = referrals[referrals["report_id"].isin(pilot["report_id"])]
    assert len(pilot_referrals) == 867
    # One referral per report: the 139 transferred have no follow-up (documented in the demo).
    assert pilot_referrals["report_id"].nunique() == 867
    assert set(pilot_referrals["force"]) == {"metropolitan"}
    assert (pilot_referrals["assessment"] == "investigation").sum() == 728
    assert (pilot_referrals["assessment"] == "transferred").sum() == 139


def test_no_reports_between_pilot_and_national_launch(demo):
    received = day(demo["reports"]["received_at"])
    assert not ((received >= "2024-03-01") & (received <= "2024-03-13")).any()
    assert received.min() == pd.Timestamp("2022-11-29")


def test_every_force_reports_in_the_national_service(demo, force_codes):
    reports = demo["reports"]
    national = reports[day(reports["received_at"]) >= "2024-03-14"]
    assert set(national["subject_force"]) == force_codes | {"unknown"}
    unknown_share = (national["subject_force"] == "unknown").mean()
    assert 0.03 < unknown_share < 0.05


def test_demo_size(demo):
    assert 30_000 <= len(demo["reports"]) <= 40_000


# Calibration on the pilot, and persistent differences between forces


def test_met_continues_at_its_pilot_level(demo):
    reports = demo["reports"]
    met = reports[reports["subject_force"] == "metropolitan"]
    received = day(met["received_at"])
    pilot_days = (PILOT_LAST - PILOT_FIRST).days + 1
    pilot_monthly = 2878 / (pilot_days / DAYS_PER_MONTH)  # about 191
    national_days = (pd.Timestamp(DEMO_AS_AT) - NATIONAL_START).days + 1
    national_monthly = (received >= NATIONAL_START).sum() / (national_days / DAYS_PER_MONTH)
    assert 0.75 * pilot_monthly <= national_monthly <= 1.25 * pilot_monthly
    # No step at the launch: the first three whole national months against the pilot's last three.
    last_pilot = ((received >= "2023-12-01") & (received <= PILOT_LAST)).sum()
    first_national = ((received >= "2024-04-01") & (received <= "2024-06-30")).sum()
    assert 0.75 <= first_national / last_pilot <= 1.25


def test_met_investigates_about_as_often_as_in_its_pilot(demo):
    referrals = national(with_report(demo, "referrals"))
    met = referrals[referrals["force"] == "metropolitan"]
    pilot_share = 728 / 867
    met_share = (met["assessment"] == "investigation").mean()
    assert pilot_share - 0.15 <= met_share <= pilot_share + 0.05
    # Other forces each have their own mix: their investigation shares spread out.
    large = referrals.groupby("force").filter(lambda rows: len(rows) >= 100)
    shares = large.groupby("force")["assessment"].apply(lambda a: (a == "investigation").mean())
    shares = shares.drop("metropolitan")
    assert shares.max() - shares.min() > 0.15
    assert 0.45 <= shares.median() <= 0.62


def test_some_forces_report_outside_the_funnel_limits(demo, officer_fte):
    """Reports per officer over the national period against exact Poisson limits around the
    national rate (forces with an officer figure): real forces differ by more than chance."""
    counts = national(demo["reports"])["subject_force"].value_counts()
    counts = counts.reindex(officer_fte.index, fill_value=0)
    expected = officer_fte * counts.sum() / officer_fte.sum()
    outside_998 = (counts < stats.poisson.ppf(0.001, expected)) | (
        counts > stats.poisson.ppf(0.999, expected)
    )
    inside_95 = (counts >= stats.poisson.ppf(0.025, expected)) & (
        counts <= stats.poisson.ppf(0.975, expected)
    )
    assert outside_998.sum() >= 1
    assert inside_95.sum() >= len(counts) // 4  # still a funnel, not a scatter


def test_some_forces_find_a_case_to_answer_outside_the_funnel_limits(demo):
    """Case-to-answer rates by investigating force against exact binomial limits around the
    national rate: more forces outside than chance alone would put there (5% and 0.2%)."""
    outcomes = with_report(demo, "outcomes")
    findings = outcomes[outcomes["outcome"].isin(FINDINGS)]
    case_to_answer = findings["outcome"].str.startswith("case_to_answer")
    by_force = case_to_answer.groupby(findings["force"]).agg(["sum", "size"])
    by_force = by_force[by_force["size"] >= 20]
    national_rate = case_to_answer.mean()

    def outside(tail: float) -> int:
        low = stats.binom.ppf(tail, by_force["size"], national_rate)
        high = stats.binom.ppf(1 - tail, by_force["size"], national_rate)
        return int(((by_force["sum"] < low) | (by_force["sum"] > high)).sum())

    assert len(by_force) // 10 <= outside(0.025) <= len(by_force) // 2
    assert outside(0.001) >= 1


# Outcomes a commissioner would check


def test_only_officers_are_reduced_in_rank(extract):
    outcomes = with_report(extract, "outcomes")
    reduced = outcomes[outcomes["outcome"] == "reduction_in_rank"]
    assert set(reduced["subject_role"]) <= {"officer"}


def test_only_officers_are_reduced_in_rank_in_the_demo(demo):
    outcomes = with_report(demo, "outcomes")
    gross = outcomes["outcome"] == "case_to_answer_gross_misconduct"
    assert (outcomes.loc[gross, "subject_role"] != "officer").any()  # the rule is exercised
    reduced = outcomes[outcomes["outcome"] == "reduction_in_rank"]
    assert len(reduced) > 0 and set(reduced["subject_role"]) == {"officer"}


def test_everyone_removed_from_policing_is_barred(extract):
    """Every dismissal (or would-have-been) is followed by a barring on or after it, unless the
    barring is not due until after the as-at date (barring takes at most a year)."""
    outcomes = extract["outcomes"]
    decided = day(outcomes["decided_at"])
    removed = outcomes[outcomes["outcome"].isin(REMOVED)].assign(when=decided)
    removed = removed.sort_values("when").drop_duplicates("referral_id")
    barred = outcomes[outcomes["outcome"] == "barred"].assign(when=decided)
    assert barred["referral_id"].is_unique
    both = removed.merge(barred, on="referral_id", how="outer", suffixes=("", "_barred"))
    assert both["when"].notna().all()  # nobody is barred without being removed
    recorded = both["when_barred"].notna()
    assert (both.loc[recorded, "when_barred"] >= both.loc[recorded, "when"]).all()
    not_yet = both.loc[~recorded, "when"]
    assert (not_yet > pd.Timestamp(DEMO_AS_AT) - pd.Timedelta(days=365)).all()


def test_most_removals_in_the_demo_are_already_barred(demo):
    outcomes = demo["outcomes"]
    removed = set(outcomes.loc[outcomes["outcome"].isin(REMOVED), "referral_id"])
    barred = set(outcomes.loc[outcomes["outcome"] == "barred", "referral_id"])
    assert len(removed) > 100
    assert len(barred) >= 0.9 * len(removed)


def test_latest_date_is_the_demo_as_at_date(demo):
    latest = max(
        day(demo["reports"]["received_at"]).max(),
        day(demo["referrals"]["referred_at"]).max(),
        day(demo["referrals"]["assessed_at"].replace("", None).dropna()).max(),
        day(demo["outcomes"]["decided_at"]).max(),
    )
    assert latest == pd.Timestamp(DEMO_AS_AT)


# Every code in use, and the planted fairness difference


@pytest.mark.parametrize(
    ("table", "column", "codes"),
    [
        ("reports", "channel", CHANNELS),
        ("reports", "subject_role", ROLES),
        ("reports", "duty_status", DUTY_STATUSES | {""}),
        ("reports", "setting", SETTINGS | {""}),
        ("reports", "subject_sex", SEXES | {""}),
        ("reports", "subject_ethnicity", ETHNICITIES | {""}),
        ("referrals", "assessment", ASSESSMENTS),
        ("outcomes", "outcome", OUTCOMES),
    ],
)
def test_demo_uses_every_code(demo, table, column, codes):
    assert set(demo[table][column]) == codes


def test_demo_uses_every_category(demo):
    used = set(demo["reports"]["categories"].str.split(";").explode())
    assert used == set(CATEGORIES)


def test_demo_has_overdue_pending_referrals_and_long_open_cases(demo):
    referrals, outcomes = demo["referrals"], demo["outcomes"]
    as_at = pd.Timestamp(DEMO_AS_AT)
    pending = referrals[referrals["assessment"] == "pending"]
    assert ((as_at - day(pending["referred_at"])).dt.days > 28).any()
    ending = FINDINGS - {"case_to_answer_misconduct", "case_to_answer_gross_misconduct"}
    ended = outcomes.loc[outcomes["outcome"].isin(ending | PROCEEDINGS), "referral_id"]
    investigations = referrals[referrals["assessment"] == "investigation"]
    still_open = investigations[~investigations["referral_id"].isin(ended)]
    assert ((as_at - day(still_open["referred_at"])).dt.days > 365).any()


def test_case_to_answer_is_planted_higher_for_black_and_asian_subjects(demo):
    reports, referrals, outcomes = demo["reports"], demo["referrals"], demo["outcomes"]
    findings = outcomes[outcomes["outcome"].isin(FINDINGS)]
    findings = findings.merge(referrals[["referral_id", "report_id"]], on="referral_id")
    findings = findings.merge(reports[["report_id", "subject_ethnicity"]], on="report_id")
    case_to_answer = findings["outcome"].str.startswith("case_to_answer")
    elevated = findings["subject_ethnicity"].isin(["black", "asian"])
    white = findings["subject_ethnicity"] == "white"
    relative_rate = case_to_answer[elevated].mean() / case_to_answer[white].mean()
    assert 1.0 < relative_rate < 1.5


# The data contract, for both the demo and a synthetic extract


def test_files_are_utf8_with_unix_line_endings(demo_paths, synthetic_paths):
    for path in [*demo_paths.values(), *synthetic_paths.values()]:
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path
        assert b"\r" not in raw, path
        assert raw.endswith(b"\n"), path
        raw.decode("utf-8")


def test_columns_in_contract_order(extract):
    assert list(extract["reports"].columns) == REPORT_COLUMNS
    assert list(extract["referrals"].columns) == REFERRAL_COLUMNS
    assert list(extract["outcomes"].columns) == OUTCOME_COLUMNS


@pytest.mark.parametrize(
    ("table", "column", "prefix"),
    [
        ("reports", "report_id", "R"),
        ("referrals", "referral_id", "F"),
        ("outcomes", "outcome_id", "O"),
    ],
)
def test_ids_unique_sorted_and_well_formed(extract, table, column, prefix):
    ids = extract[table][column]
    assert ids.is_unique
    assert ids.is_monotonic_increasing
    assert ids.str.fullmatch(prefix + r"\d{6,}").all()
    assert len(set(ids.str.len())) <= 1  # one width per table


def test_codes_are_in_their_allowed_sets(extract, force_codes):
    reports, referrals, outcomes = extract["reports"], extract["referrals"], extract["outcomes"]
    assert set(reports["channel"]) <= CHANNELS
    assert set(reports["subject_force"]) <= force_codes | {"unknown"}
    assert set(reports["subject_role"]) <= ROLES
    assert set(reports["anonymous"]) <= {"true", "false"}
    assert set(reports["duty_status"]) <= DUTY_STATUSES | {""}
    assert set(reports["setting"]) <= SETTINGS | {""}
    assert set(reports["subject_sex"]) <= SEXES | {""}
    assert set(reports["subject_ethnicity"]) <= ETHNICITIES | {""}
    assert set(referrals["force"]) <= force_codes
    assert set(referrals["assessment"]) <= ASSESSMENTS
    assert set(outcomes["outcome"]) <= OUTCOMES


def test_categories_are_one_to_three_known_codes_in_contract_order(extract):
    for codes in extract["reports"]["categories"].str.split(";"):
        assert 1 <= len(codes) <= 3
        assert codes == sorted(codes, key=CATEGORIES.index)
        assert len(set(codes)) == len(codes)


def test_date_formats(extract):
    reports, referrals, outcomes = extract["reports"], extract["referrals"], extract["outcomes"]
    assert reports["received_at"].str.fullmatch(DATE_TIME).all()
    assert referrals["referred_at"].str.fullmatch(f"{DATE_TIME}|{DATE}").all()
    assert referrals["assessed_at"].str.fullmatch(f"{DATE}|").all()
    assert outcomes["decided_at"].str.fullmatch(DATE).all()
    # Every value parses as a real date-time.
    pd.to_datetime(reports["received_at"], format="%Y-%m-%dT%H:%M:%S")


def test_referential_integrity(extract):
    reports, referrals, outcomes = extract["reports"], extract["referrals"], extract["outcomes"]
    assert referrals["report_id"].isin(reports["report_id"]).all()
    assert outcomes["referral_id"].isin(referrals["referral_id"]).all()


def test_dates_in_order_and_none_after_as_at(extract):
    reports, referrals, outcomes = extract["reports"], extract["referrals"], extract["outcomes"]
    as_at = pd.Timestamp(DEMO_AS_AT)
    referrals = referrals.merge(reports[["report_id", "received_at"]], on="report_id")
    received = day(referrals["received_at"])
    referred = day(referrals["referred_at"])
    assessed = pd.to_datetime(referrals["assessed_at"].replace("", None), format="%Y-%m-%d")
    assert (referred >= received).all()
    assert (assessed.dropna() >= referred[assessed.notna()]).all()
    decided = outcomes.merge(referrals[["referral_id", "referred_at"]], on="referral_id")
    assert (day(decided["decided_at"]) >= day(decided["referred_at"])).all()
    assert (day(reports["received_at"]) <= as_at).all()
    assert (referred <= as_at).all()
    assert (assessed.dropna() <= as_at).all()
    assert (day(outcomes["decided_at"]) <= as_at).all()


def test_assessed_at_empty_exactly_when_pending(extract):
    referrals = extract["referrals"]
    assert ((referrals["assessed_at"] == "") == (referrals["assessment"] == "pending")).all()


def test_outcomes_only_for_investigations_and_in_time_order(extract):
    referrals, outcomes = extract["referrals"], extract["outcomes"]
    assessment = outcomes["referral_id"].map(referrals.set_index("referral_id")["assessment"])
    assert (assessment == "investigation").all()
    decided = day(outcomes["decided_at"])
    assert decided.groupby(outcomes["referral_id"]).is_monotonic_increasing.all()
    first_outcome = outcomes.groupby("referral_id")["outcome"].first()
    criminal = {"charged", "convicted", "acquitted"}
    assert first_outcome.isin(FINDINGS | criminal).all()


def test_transferred_referrals_are_passed_on_to_the_subject_force(extract):
    reports, referrals = extract["reports"], extract["referrals"]
    referrals = referrals.merge(reports[["report_id", "subject_force"]], on="report_id")
    later = referrals[referrals.duplicated("report_id", keep="first")]
    assert (later["force"] == later["subject_force"]).all()
    first = referrals.drop_duplicates("report_id", keep="first")
    passed_on = first[first["report_id"].isin(later["report_id"])]
    assert (passed_on["assessment"] == "transferred").all()
    assert (passed_on["force"] != passed_on["subject_force"]).all()


def test_synthetic_writes_exactly_n_reports_in_the_national_period(synthetic_paths):
    reports = read_extract(synthetic_paths)["reports"]
    assert len(reports) == 1000
    assert (day(reports["received_at"]) >= pd.Timestamp(datetime.date(2024, 3, 14))).all()


def test_synthetic_respects_its_as_at_date(tmp_path):
    as_at = datetime.date(2025, 6, 30)
    tables = read_extract(write_synthetic_extract(tmp_path, n_reports=500, as_at=as_at))
    assert len(tables["reports"]) == 500
    latest = max(
        day(tables["reports"]["received_at"]).max(),
        day(tables["referrals"]["referred_at"]).max(),
        day(tables["outcomes"]["decided_at"]).max(),
    )
    assert latest <= pd.Timestamp(as_at)


def test_synthetic_with_no_reports_writes_headers_only(tmp_path):
    tables = read_extract(write_synthetic_extract(tmp_path, n_reports=0))
    assert [len(table) for table in tables.values()] == [0, 0, 0]
    assert list(tables["reports"].columns) == REPORT_COLUMNS
