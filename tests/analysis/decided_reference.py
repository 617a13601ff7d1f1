"""The event view (docs/metrics.md, "Outcomes decided in the period") worked out with plain
pandas from an extract's rows, for the tests to compare the program with: independently of its
SQL, from the definitions as written in docs/metrics.md."""

import datetime as dt

import pandas as pd

# Which outcome codes make each measure, and whether it counts on investigations only
# (docs/metrics.md, "Counts"), written out here rather than taken from the code under test.
KINDS = {
    "case_to_answer": ({"case_to_answer_misconduct", "case_to_answer_gross_misconduct"}, True),
    "false_allegations": ({"false_allegation"}, True),
    "dismissals": ({"dismissed"}, True),
    "would_have_been_dismissed": ({"would_have_been_dismissed"}, True),
    "barred": ({"barred"}, False),
    "criminal_charges": ({"charged"}, False),
}
LABELS = {
    "case_to_answer": "Case to answer",
    "false_allegations": "False allegations found",
    "dismissals": "Dismissals",
    "would_have_been_dismissed": "Would have been dismissed",
    "barred": "Barred from policing",
    "criminal_charges": "Criminal charges",
}


def selected_referrals(
    reports: pd.DataFrame,
    referrals: pd.DataFrame,
    forces=(),
    channels=(),
    categories=(),
    roles=(),
) -> pd.DataFrame:
    """The referrals of the reports matching the channel, category and role filters, received by
    the forces (all where none), with the report's received_date. reports needs report_id,
    received_date, channel, category_list and subject_role; referrals report_id, referral_id,
    force and assessment."""
    if channels:
        reports = reports[reports["channel"].isin(channels)]
    if categories:
        chosen = set(categories)
        reports = reports[reports["category_list"].map(lambda c: bool(set(c) & chosen))]
    if roles:
        reports = reports[reports["subject_role"].isin(roles)]
    selected = referrals.merge(reports[["report_id", "received_date"]], on="report_id")
    return selected[selected["force"].isin(forces)] if forces else selected


def first_of_each_kind(referrals: pd.DataFrame, outcomes: pd.DataFrame) -> dict[str, pd.Series]:
    """Per measure, the decided_date of each counted referral's first outcome of that kind, by
    referral_id (outcomes needs referral_id, outcome and decided_date)."""
    firsts = {}
    for measure, (codes, investigations_only) in KINDS.items():
        kind = outcomes[outcomes["outcome"].isin(codes)]
        first = kind.groupby("referral_id")["decided_date"].min()
        counted = referrals
        if investigations_only:
            counted = counted[counted["assessment"] == "investigation"]
        firsts[measure] = first[first.index.isin(counted["referral_id"])]
    return firsts


def decided_rows(
    referrals: pd.DataFrame, outcomes: pd.DataFrame, first: dt.date, last: dt.date
) -> pd.DataFrame:
    """One row per referral and measure whose first outcome of the kind was decided from first
    to last (both inclusive): referral_id, force, measure, days (from the report)."""
    received = referrals.set_index("referral_id")["received_date"]
    forces = referrals.set_index("referral_id")["force"]
    rows = []
    for measure, decided in first_of_each_kind(referrals, outcomes).items():
        decided = decided[decided.between(pd.Timestamp(first), pd.Timestamp(last))]
        rows.append(
            pd.DataFrame(
                {
                    "referral_id": decided.index,
                    "force": forces[decided.index].to_numpy(),
                    "measure": measure,
                    "days": (decided - received[decided.index]).dt.days.to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def cohort_counts(referrals: pd.DataFrame, outcomes: pd.DataFrame) -> dict[str, int]:
    """The cohort's count of each measure: the referrals (of the period's reports) with such an
    outcome, whenever decided."""
    return {m: len(dates) for m, dates in first_of_each_kind(referrals, outcomes).items()}


def days_shown(value, cases: int) -> str:
    """A median or percentile as the pages show it: whole days, rounded half up, with a caution
    over fewer than 10 cases."""
    if pd.isna(value):
        return "–"
    text = f"{int(value + 0.5):,}"
    if 0 < cases < 10:
        text += f" (based on {cases} case{'s' if cases != 1 else ''}: read with care)"
    return text
