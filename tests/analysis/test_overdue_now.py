"""Overdue now (docs/metrics.md): the referrals awaiting a force decision at the as-at date,
whatever the report period. Checked against plain pandas counts from the demo extract, and on a
tiny extract whose waits sit on each side of the bands' edges, worked out by hand."""

import datetime as dt
import functools

import pandas as pd
import pytest

from oversight.analysis.overdue_now import overdue_now
from oversight.analysis.reports import CATEGORY_LABELS
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from tests.analysis.conftest import tiny_database
from tests.ingest.helpers import REFERRAL, REPORT, row

FY2024 = Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31))
PILOT = Filters(dt.date(2022, 11, 29), dt.date(2024, 2, 29))


@pytest.fixture(scope="module")
def demo_run(demo_database):
    con = connect_read_only(demo_database)
    yield functools.partial(run_query, con)
    con.close()


def as_at_of(demo) -> pd.Timestamp:
    """The as-at date: the latest date anywhere in the extract."""
    referrals = demo["referrals"]
    assessed = pd.to_datetime(referrals["assessed_at"].replace("", None))
    return max(
        demo["reports"]["received_date"].max(),
        referrals["referred_date"].max(),
        assessed.max(),
        demo["outcomes"]["decided_date"].max(),
    )


def awaiting(demo, forces=(), channels=(), categories=()) -> pd.DataFrame:
    """Pending referrals of every stored report, filtered, with days waiting at the as-at date."""
    reports = demo["reports"]
    if channels:
        reports = reports[reports["channel"].isin(channels)]
    if categories:
        reports = reports[reports["category_list"].map(lambda c: bool(set(c) & {*categories}))]
    pending = demo["referrals"][demo["referrals"]["assessment"] == "pending"].merge(
        reports[["report_id", "category_list"]], on="report_id"
    )
    if forces:
        pending = pending[pending["force"].isin(forces)]
    return pending.assign(days=(as_at_of(demo) - pending["referred_date"]).dt.days)


def check(data, want: pd.DataFrame, forces: pd.DataFrame) -> None:
    """Every frame of data against the pending referrals want, counted with pandas."""
    days = want["days"]
    assert data.awaiting == len(want)
    assert data.overdue == int((days > 28).sum())
    assert data.long_overdue == int((days > 56).sum())
    assert data.by_band["age_band"].tolist() == ["up to 28 days", "29–56 days", "over 56 days"]
    assert data.by_band["referrals"].tolist() == [
        int((days <= 28).sum()),
        int(days.between(29, 56).sum()),
        int((days > 56).sum()),
    ]
    by_force = data.by_force.set_index("force_code")
    assert by_force["awaiting"].to_dict() == want["force"].value_counts().to_dict()
    assert (
        by_force["overdue"].to_dict()
        == want[days > 28]["force"].value_counts().reindex(by_force.index, fill_value=0).to_dict()
    )
    assert by_force["long_overdue"].sum() == data.long_overdue

    overdue = want[days > 28].sort_values("days", ascending=False)
    listed = data.overdue_list
    assert list(listed.columns) == [
        "referral_id", "force", "categories", "days_waiting", "age_band",
    ]  # fmt: skip
    assert sorted(listed["referral_id"]) == sorted(overdue["referral_id"])
    assert listed["days_waiting"].tolist() == overdue["days"].tolist()  # longest first
    expected = overdue.set_index("referral_id")
    short_names = dict(zip(forces["force_code"], forces["short_name"], strict=True))
    for item in listed.itertuples():
        source = expected.loc[item.referral_id]
        assert item.force == short_names[source["force"]]
        assert item.days_waiting == source["days"]
        assert item.categories == "; ".join(CATEGORY_LABELS[c] for c in source["category_list"])
        assert item.age_band == ("over 56 days" if source["days"] > 56 else "29–56 days")


def test_every_force_whatever_the_period(demo_run, demo):
    want = awaiting(demo)
    assert (want["days"] > 56).any() and (want["days"].between(29, 56)).any()  # a fair test
    as_at = as_at_of(demo).date()
    data = overdue_now(demo_run, FY2024, as_at)
    check(data, want, demo["forces"])
    # the period is ignored: the Met pilot, long before most of these referrals, gives the same
    other = overdue_now(demo_run, PILOT, as_at)
    for frame in ("by_band", "by_force", "overdue_list"):
        pd.testing.assert_frame_equal(getattr(other, frame), getattr(data, frame))


@pytest.mark.parametrize(
    ("forces", "channels", "categories"),
    [
        (("kent",), (), ()),
        (("metropolitan", "west_yorkshire"), (), ()),
        ((), ("online",), ("sexual_misconduct",)),
    ],
)
def test_the_force_channel_and_category_filters_apply(demo_run, demo, forces, channels, categories):
    filters = Filters(
        FY2024.first_date, FY2024.last_date, forces=forces, channels=channels,
        categories=categories,
    )  # fmt: skip
    data = overdue_now(demo_run, filters, as_at_of(demo).date())
    want = awaiting(demo, forces, channels, categories)
    check(data, want, demo["forces"])
    if forces:
        assert set(data.by_force["force_code"]) <= set(forces)


# A tiny extract: the as-at date is 30 Sep 2024 (R9's received_at). Pending referrals made 0,
# 28, 29, 56 and 57 days before it; one assessed referral, which is not awaiting.
AS_AT = dt.date(2024, 9, 30)
REPORTS = [
    row(REPORT, report_id="R1", received_at="2024-05-01T10:00"),
    row(REPORT, report_id="R2", received_at="2024-05-02T10:00", categories="corrupt_exchange"),
    row(REPORT, report_id="R9", received_at="2024-09-30T10:00"),
]
PENDING = {"assessment": "pending", "assessed_at": ""}
REFERRALS = [
    row(REFERRAL, referral_id="F0", report_id="R9", referred_at="2024-09-30", **PENDING),
    row(REFERRAL, referral_id="F28", report_id="R1", referred_at="2024-09-02", **PENDING),
    row(REFERRAL, referral_id="F29", report_id="R1", referred_at="2024-09-01T23:59",
        force="essex", **PENDING),
    row(REFERRAL, referral_id="F56", report_id="R2", referred_at="2024-08-05", **PENDING),
    row(REFERRAL, referral_id="F57", report_id="R2", referred_at="2024-08-04", force="essex",
        **PENDING),
    row(REFERRAL, referral_id="FX", report_id="R2", referred_at="2024-05-03",
        assessed_at="2024-05-10"),
]  # fmt: skip


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("overdue_now")
    with tiny_database(
        folder, dt.datetime(2024, 10, 1), reports=REPORTS, referrals=REFERRALS
    ) as run:
        yield run


def test_the_bands_edges_by_hand(tiny_run):
    # a period holding none of these reports: the figures are the same
    data = overdue_now(tiny_run, Filters(dt.date(2023, 1, 1), dt.date(2023, 1, 31)), AS_AT)
    assert (data.awaiting, data.overdue, data.long_overdue) == (5, 3, 1)
    assert data.by_band["referrals"].tolist() == [2, 2, 1]  # F0, F28 | F29, F56 | F57
    assert data.overdue_list.to_dict("records") == [
        {"referral_id": "F57", "force": "Essex", "categories": "Corrupt exchange",
         "days_waiting": 57, "age_band": "over 56 days"},
        {"referral_id": "F56", "force": "Kent", "categories": "Corrupt exchange",
         "days_waiting": 56, "age_band": "29–56 days"},
        {"referral_id": "F29", "force": "Essex", "categories": "Other",
         "days_waiting": 29, "age_band": "29–56 days"},
    ]  # fmt: skip
    assert data.by_force.to_dict("records") == [
        {"force_code": "essex", "force_name": "Essex Police", "short_name": "Essex",
         "awaiting": 2, "overdue": 2, "long_overdue": 1},
        {"force_code": "kent", "force_name": "Kent Police", "short_name": "Kent",
         "awaiting": 3, "overdue": 1, "long_overdue": 0},
    ]  # fmt: skip


def test_nothing_awaiting(tiny_run):
    data = overdue_now(tiny_run, FY2024.with_forces(("surrey",)), AS_AT)
    assert (data.awaiting, data.overdue, data.long_overdue) == (0, 0, 0)
    assert data.by_force.empty and data.overdue_list.empty
