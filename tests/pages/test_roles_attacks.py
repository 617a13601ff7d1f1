"""A force user (or a signed-in stranger) trying to see what its role forbids: other forces one
by one, or a count of 1 to 4 of other forces, worked out from what the dashboard shows it.

Each test is an attack that works on the demo data; it fails while the attack works."""

import datetime as dt
import functools
import itertools

import pandas as pd
import pytest

from oversight.access import signed_in_session
from oversight.analysis.force_view import WITHHELD, force_user_view
from oversight.analysis.forces import COUNT_LABELS, DECIDED_COUNT_LABELS, forces_data
from oversight.db import connect_read_only, run_query
from oversight.filters import Filters
from oversight.roles import parse_roles
from oversight.settings import PROJECT_ROOT
from oversight.status import data_status
from tests.pages.conftest import ROLES, open_chart_numbers
from tests.pages.test_forces import decided_counts

THRESHOLD = 5


@pytest.fixture(scope="module")
def demo_run(demo_database):
    con = connect_read_only(demo_database)
    yield functools.partial(run_query, con), data_status(con).as_at_date
    con.close()


def _number(cell: str) -> int | None:
    return None if cell == WITHHELD else int(str(cell).replace(",", ""))


def _view(demo_run, own, first, last, categories=(), key="custom"):
    run, as_at = demo_run
    filters = Filters(first, last, key, own, (), (), categories)
    data = forces_data(run, filters, as_at, own[0])
    return data, force_user_view(data, own, THRESHOLD, filters)


def _year(demo_run, own, year):
    """A whole financial year, every channel and category: where comparators are shown."""
    return _view(demo_run, own, dt.date(year, 4, 1), dt.date(year + 1, 3, 31), key=f"fy{year}")


def test_a_region_of_two_forces_does_not_show_the_other_force_one_by_one(demo_run):
    """London is the City of London and the Met: the City's user, who knows its own figures,
    would read the Met's live figures as London less its own column."""
    data, view = _year(demo_run, ("city_of_london",), 2025)
    met = data.all_forces.set_index("force_code").loc["metropolitan"]
    table = view.comparison.set_index("measure")
    read_off = {
        label: _number(table.at[label, "London"])
        - _number(table.at[label, "City of London Police"])
        for key, label in COUNT_LABELS.items()
        if table.at[label, "London"] != WITHHELD and met[key] > 0
    }
    assert not read_off, f"the Met's live figures, London less the City: {read_off}"


def test_the_trend_for_england_and_wales_cannot_be_completed_from_the_counts_table(app_as):
    """Were one month of England and Wales withheld from the trend while the counts table shows
    England and Wales's reports for the year, the total less the months shown would be the month
    withheld: the line is shown in every month of the period or in none."""
    for query in ({"period": "fy2024"}, {"period": "fy2025"}, {"period": "all"},
                  {"period": "fy2024", "category": "corrupt_exchange"}):  # fmt: skip
        app = app_as("pcc@kent.example", query)
        app.switch_page("app_pages/forces.py").run()
        app.radio(key="forces_trend_unit").set_value("month").run()
        app = open_chart_numbers(app)
        assert not app.exception, app.exception
        trend = next(e.value for e in app.dataframe if "officer_years" in e.value.columns)
        nation = set(trend.loc[trend["group"] == "England and Wales", "period"])
        kent = set(trend.loc[trend["group"] == "Kent Police", "period"])
        assert nation in (set(), kent), query


def test_two_periods_a_day_apart_do_not_difference_out_a_small_count(demo_run):
    """Custom dates are free: the South East less Kent over 1 Apr to 1 Jun 2025, less the same
    over 1 Apr to 31 May, is the other South East forces' reports on 1 Jun 2025. Each view
    passes the audit on its own."""
    first = dt.date(2025, 4, 1)
    _, shorter = _view(demo_run, ("kent",), first, dt.date(2025, 5, 31))
    _, longer = _view(demo_run, ("kent",), first, dt.date(2025, 6, 1))

    def others(view) -> int | None:
        row = view.comparison.set_index("measure").loc["Reports"]
        region = _number(row["South East"])
        return None if region is None else region - _number(row["Kent Police"])

    a, b = others(shorter), others(longer)
    if a is not None and b is not None:
        assert not 0 < b - a < THRESHOLD, f"other South East forces' reports on 1 Jun: {b - a}"


ROLES_TABLE = parse_roles(ROLES)


@pytest.mark.parametrize(
    "claims",
    [
        # no email claim: preferred_username is a display name the OpenID Connect spec says
        # must not be relied on (and some providers let the user choose it)
        {"is_logged_in": True, "sub": "x1", "preferred_username": "admin@npcc.example"},
        # an email the provider says it has not verified
        {"is_logged_in": True, "sub": "x2", "email": "admin@npcc.example", "email_verified": False},
    ],
)
def test_an_unverified_email_or_a_username_gives_no_staff_role(claims):
    session = signed_in_session(claims, lambda: ROLES_TABLE)
    assert session.role == "public", (claims, session.role)


def test_the_trend_for_england_and_wales_is_not_the_met_alone(demo_run):
    """Before the national launch (14 Mar 2024) only the Met was in the service: for Kent, each
    pilot quarter of England and Wales in the trend is the Met's live reports, one force."""
    data, view = _year(demo_run, ("kent",), 2023)
    trend = view.trend
    nation = trend[trend["group_kind"] == "nation"].set_index("period_start")["reports"]
    kent = trend[trend["group_kind"] == "force"].set_index("period_start")["reports"]
    pilot = nation.index < "2024-01-01"  # quarters wholly before the national launch
    met_alone = (nation[pilot] - kent.reindex(nation.index[pilot]).fillna(0)).gt(0)
    assert not met_alone.any(), f"the Met's reports by quarter: {nation[pilot].tolist()}"


FORCES = pd.read_csv(PROJECT_ROOT / "data" / "forces.csv")
PEER_GROUPS = pd.read_csv(PROJECT_ROOT / "data" / "reference" / "peer_groups.csv")
NATION = set(FORCES.loc[FORCES["nation"].isin(["england", "wales"]), "force_code"])


def comparators_of(code: str) -> dict[str, set[str]]:
    """The forces each comparator column adds up, read from the reference files."""
    force = FORCES.set_index("force_code").loc[code]
    peers = set(PEER_GROUPS.loc[PEER_GROUPS["force_code"] == code, "peer_code"])
    region = set(FORCES.loc[FORCES["region_name"] == force["region_name"], "force_code"])
    return {
        "Most similar forces": peers,
        str(force["region_name"]): region if pd.notna(force["region_name"]) else set(),
        "England and Wales": NATION,
    }


def small_counts_read_off(data, view, own: tuple[str, ...], decided: bool = False) -> list[tuple]:
    """What a user who knows its own forces' counts reads off the comparators shown: each less
    its own forces, and two of them set against each other (one less the other where it holds
    it, else their difference; England and Wales less a region and peers that do not overlap).
    Each (count, comparators, value) found from 1 to 4. decided: the table of the outcomes
    decided in the period instead of the counts table."""
    known = data.all_forces.set_index("force_code")
    labels = DECIDED_COUNT_LABELS if decided else COUNT_LABELS
    table = (view.decided_comparison if decided else view.comparison).set_index("measure")
    found = []
    for key, label in labels.items():
        others = {}
        for group, members in comparators_of(view.focus).items():
            if group in table.columns and table.at[label, group] != WITHHELD:
                mine = int(known.loc[sorted(members & set(own)), key].sum())
                others[group] = (_number(table.at[label, group]) - mine, members - set(own))
        for group, (value, _) in others.items():
            if 0 < value < THRESHOLD:
                found.append((label, group, value))
        for (a, (x, _)), (b, (y, _)) in itertools.combinations(others.items(), 2):
            if 0 < abs(x - y) < THRESHOLD:
                found.append((label, f"{a} against {b}", x - y))
        if len(others) == 3:
            (peers, (p, pm)), (region, (r, rm)), (nation, (n, _)) = others.items()
            if not pm & rm and 0 < n - p - r < THRESHOLD:
                found.append((label, "England and Wales less the region and the peers", n - p - r))
    return found


def test_a_kent_force_user_cannot_set_its_peers_against_its_region(demo_run):
    """Kent's peers (Essex, Lancashire, Hampshire, Sussex, Avon and Somerset, Thames Valley,
    South Wales) share three forces with the South East. In 2025/26 their dismissals (11) and the
    South East's less Kent's (11 - 3) differ by 3: the peers' cell is withheld, and nothing shown
    sets one comparator against another to give 1 to 4."""
    exercised = []
    for year in (2024, 2025):
        data, view = _year(demo_run, ("kent",), year)
        assert not small_counts_read_off(data, view, ("kent",)), year
        # the same figures unaudited: the attack works on them
        exercised += small_counts_read_off(data, data, ("kent",))
    assert ("Dismissals", "Most similar forces against South East", 3) in exercised
    data, view = _year(demo_run, ("kent",), 2025)
    assert view.comparison.set_index("measure").at["Dismissals", "Most similar forces"] == WITHHELD


def test_no_force_user_reads_a_small_count_off_its_peers_region_and_nation(demo_run):
    """Every force of England and Wales, as a user of that force alone, in 2025/26."""
    run, as_at = demo_run
    answers = {}

    def remembered(name, **params):
        # every force's queries are the same but for its own and its peers' durations
        key = (name, repr(sorted(params.items())))
        if key not in answers:
            answers[key] = run(name, **params)
        return answers[key]

    found = {}
    for code in sorted(NATION):
        data, view = _year((remembered, as_at), (code,), 2025)
        if read := small_counts_read_off(data, view, (code,)):
            found[code] = read
        if read := small_counts_read_off(data, view, (code,), decided=True):
            found[f"{code}, outcomes decided"] = read
        # the peers one by one, other forces' counts by quarter and the funnel: not shown
        assert "peer" not in set(view.peer_rates["group_kind"])
        assert set(view.all_forces["force_code"]) == {code}
        assert set(view.trend_counts_by_force["force_code"]) <= {code}
    assert not found


def test_a_force_user_sees_no_peer_one_by_one_on_the_page(app_as):
    app = app_as("pcc@kent.example", {"period": "fy2025"})
    app.switch_page("app_pages/forces.py").run()
    app = open_chart_numbers(app)
    assert not app.exception, app.exception
    assert "Its most similar forces one by one" in [h.value for h in app.subheader]
    assert any("shown as they are published" in m.value for m in app.markdown)
    assert not [d for d in app.dataframe if "Force or group" in d.value.columns
                and "Dismissal rate" in d.value.columns]  # fmt: skip
    counts = next(d.value for d in app.dataframe if "Count" in d.value.columns)
    assert counts.set_index("Count").at["Dismissals", "Most similar forces"] == WITHHELD


def test_no_force_user_reads_a_small_count_off_the_outcomes_decided(demo_run):
    """The outcomes decided in the year beside Kent's comparators: nothing shown gives 1 to 4
    for other forces (in 2025/26 the South East's "would have been dismissed", 2, less Kent's
    1, would), in either year; a whole year only, else every comparator's cell is withheld."""
    exercised = []
    for year in (2024, 2025):
        data, view = _year(demo_run, ("kent",), year)
        assert not small_counts_read_off(data, view, ("kent",), decided=True), year
        exercised += small_counts_read_off(data, data, ("kent",), decided=True)
    assert ("Would have been dismissed", "South East", 1) in exercised
    data, view = _year(demo_run, ("kent",), 2025)
    table = view.decided_comparison.set_index("measure")
    assert table.at["Would have been dismissed", "South East"] == WITHHELD
    assert table.at["Case to answer", "England and Wales"] != WITHHELD  # not all withheld
    # a quarter: the comparators are withheld, Kent's own figures shown
    _, quarter = _view(demo_run, ("kent",), dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    table = quarter.decided_comparison.set_index("measure")
    assert set(table.drop(columns="Kent Police").to_numpy().ravel()) == {WITHHELD}
    assert WITHHELD not in set(table["Kent Police"])


def test_a_kent_user_sees_the_outcomes_decided_audited_on_the_page(app_as, demo):
    app = app_as("pcc@kent.example", {"period": "fy2025"})
    app.switch_page("app_pages/forces.py").run()
    assert not app.exception, app.exception
    decided = next(d.value for d in app.dataframe if "Outcome" in d.value.columns)
    decided = decided.set_index("Outcome")
    assert decided.at["Would have been dismissed", "South East"] == WITHHELD
    assert decided.at["Would have been dismissed", "Most similar forces"] == WITHHELD
    kent = decided_counts(demo, "2025-04-01", "2026-03-31", ["kent"])
    assert decided["Kent Police"].to_dict() == {label: f"{n:,}" for label, n in kent.items()}
