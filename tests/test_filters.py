"""Filters: presets, the previous period, and the round trip through the URL."""

import datetime as dt

from oversight.filters import (
    Filters,
    filters_from_query,
    filters_to_query,
    people_reported,
    period_presets,
)

FIRST, LAST, AS_AT = dt.date(2022, 11, 29), dt.date(2026, 10, 31), dt.date(2026, 10, 31)
PRESETS = period_presets(FIRST, LAST, AS_AT)
FORCES = {"kent", "metropolitan", "essex"}
REGIONS = {"London", "South East"}


def test_presets_cover_the_named_periods():
    assert (PRESETS["pilot"].first, PRESETS["pilot"].last) == (
        dt.date(2022, 11, 29),
        dt.date(2024, 2, 29),
    )
    assert PRESETS["national"].first == dt.date(2024, 3, 14)
    assert (PRESETS["last12"].first, PRESETS["last12"].last) == (
        dt.date(2025, 11, 1),
        dt.date(2026, 10, 31),
    )
    years = sorted(k for k in PRESETS if k.startswith("fy"))
    assert years == ["fy2022", "fy2023", "fy2024", "fy2025", "fy2026"]
    assert (PRESETS["fy2024"].first, PRESETS["fy2024"].last) == (
        dt.date(2024, 4, 1),
        dt.date(2025, 3, 31),
    )
    assert PRESETS["fy2024"].label == "Financial year 2024/25"


def test_previous_period_has_the_same_length_and_ends_the_day_before():
    filters = Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31), "fy2024", ("kent",))
    before = filters.previous()
    assert (before.first_date, before.last_date) == (dt.date(2023, 4, 2), dt.date(2024, 3, 31))
    assert before.days == filters.days == 365
    assert before.forces == ("kent",)


def test_url_round_trip_for_a_preset_and_for_custom_dates():
    preset = Filters(PRESETS["pilot"].first, PRESETS["pilot"].last, "pilot", ("metropolitan",),
                     (), ("phone",), ("other", "corrupt_exchange"))  # fmt: skip
    query = filters_to_query(preset)
    assert query["period"] == ["pilot"] and "from" not in query
    back = filters_from_query(query, PRESETS, FORCES, REGIONS)
    assert back == Filters(preset.first_date, preset.last_date, "pilot", ("metropolitan",), (),
                           ("phone",), ("corrupt_exchange", "other"))  # fmt: skip
    custom = Filters(dt.date(2024, 5, 1), dt.date(2024, 6, 30), "custom", (), ("London",))
    assert filters_from_query(filters_to_query(custom), PRESETS, FORCES, REGIONS) == custom


def test_junk_in_the_url_is_ignored():
    query = {
        "period": ["bogus"],
        "from": ["2024-13-45"],
        "to": ["2024-06-30"],
        "force": ["narnia", "kent", "kent"],
        "channel": ["fax", "online"],
        "category": ["'; drop table reports; --"],
        "region": ["Mordor"],
    }
    filters = filters_from_query(query, PRESETS, FORCES, REGIONS)
    assert filters.period_key == "custom"
    assert (filters.first_date, filters.last_date) == (FIRST, dt.date(2024, 6, 30))
    assert (filters.forces, filters.channels, filters.categories, filters.regions) == (
        ("kent",),
        ("online",),
        (),
        (),
    )


def test_reversed_custom_dates_are_put_in_order():
    query = {"period": ["custom"], "from": ["2025-01-31"], "to": ["2025-01-01"]}
    filters = filters_from_query(query, PRESETS, FORCES, REGIONS)
    assert (filters.first_date, filters.last_date) == (dt.date(2025, 1, 1), dt.date(2025, 1, 31))


def test_describe_names_the_forces_when_their_names_are_known():
    filters = Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31), "fy2024", ("kent", "essex"),
                      channels=("online",), force_labels=("Kent", "Essex"))  # fmt: skip
    assert filters.describe() == (
        "Reports received 01 Apr 2024 to 31 Mar 2025; force: Kent, Essex; channel: online"
    )
    assert filters == Filters(filters.first_date, filters.last_date, "fy2024", ("kent", "essex"),
                              channels=("online",))  # fmt: skip
    assert "force: kent" in Filters(filters.first_date, filters.last_date, "fy2024",
                                    ("kent",)).describe()  # fmt: skip


def test_financial_years_the_data_covers_in_part_say_so_and_are_clipped():
    assert PRESETS["fy2022"].first == FIRST
    assert PRESETS["fy2022"].label == "Financial year 2022/23 (part)"
    assert PRESETS["fy2026"].last == AS_AT
    assert PRESETS["fy2026"].label == "Financial year 2026/27 (so far)"


def test_preset_labels_fit_the_sidebar():
    """The sidebar's select box shows about 32 characters before it cuts a label ("Since
    national launch (14 Mar 20…"); the dates are in the caption under it. (The browser test,
    tests/system/test_charts_browser.py, checks that each label is shown whole.)"""
    assert PRESETS["national"].label == "Since national launch"
    assert PRESETS["pilot"].label == "Met pilot"
    assert max(len(period.label) for period in PRESETS.values()) <= 31


def test_the_role_of_the_person_reported_round_trips_through_the_url():
    filters = Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31), "fy2024",
                      subject_roles=("officer",))  # fmt: skip
    query = filters_to_query(filters)
    assert query["role"] == ["officer"]
    assert filters_from_query(query, PRESETS, FORCES, REGIONS) == filters
    # unknown values are dropped, repeats kept once, and the contract's order restored
    query = {"period": ["fy2024"], "role": ["volunteer", "chief", "staff", "staff", "Officer"]}
    back = filters_from_query(query, PRESETS, FORCES, REGIONS)
    assert back.subject_roles == ("staff", "volunteer")
    assert "role" not in filters_to_query(Filters(filters.first_date, filters.last_date))


def test_the_role_is_described_bound_and_kept_by_previous_and_with_forces():
    filters = Filters(dt.date(2024, 4, 1), dt.date(2025, 3, 31), "fy2024", ("kent",),
                      channels=("phone",), subject_roles=("officer", "staff"))  # fmt: skip
    assert filters.describe() == (
        "Reports received 01 Apr 2024 to 31 Mar 2025; force: kent; channel: phone; "
        "role: officer, staff"
    )
    assert filters.sql_params()["subject_roles"] == ["officer", "staff"]
    assert Filters(filters.first_date, filters.last_date).sql_params()["subject_roles"] == []
    assert filters.previous().subject_roles == ("officer", "staff")
    assert filters.previous().channels == ("phone",)
    other = filters.with_forces(("essex",), ("South East",))
    assert (other.forces, other.regions, other.subject_roles) == (
        ("essex",), ("South East",), ("officer", "staff")
    )  # fmt: skip


def test_people_reported_in_words():
    assert people_reported(("officer",)) == "officers only"
    assert people_reported(("volunteer", "staff")) == "staff and volunteers only"
    assert people_reported(()) == (
        "every role (officers, staff, volunteers and people whose role is not known)"
    )
