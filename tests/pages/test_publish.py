"""The Publish page follows its address (defect 6 of issue 11): /publish?period=fy2025 opens
that year's public snapshot, /publish?period=fy2025&force=kent Kent's own internal one, and the
page writes what is shown back to the address. Counts are worked out by hand from the demo
extract with pandas."""

import pandas as pd

from tests.pages.conftest import table

NATIONAL = "analyst@npcc.example"
FY2025 = (pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31"))


def on_publish(app_as, query: dict):
    """The Publish page of a national user whose browser opened it at this address.

    AppTest keeps the address over a page change (a browser clears it) and the sidebar drawn
    on the first page writes its filters into it: the address is set again before the switch,
    as the browser would have it."""
    app = app_as(NATIONAL)
    app.query_params.clear()
    for key, value in query.items():
        app.query_params[key] = value
    app.switch_page("app_pages/publish.py").run()
    assert not app.exception, app.exception
    return app


def address(app) -> dict[str, list[str]]:
    """The address's parameters as the page left them, each a list of values."""
    return {k: v if isinstance(v, list) else [v] for k, v in app.query_params.items()}


def headline(app, measure: str) -> str:
    shown = table(app, "measure", "value")
    return shown.set_index("measure").loc[measure, "value"]


def kent_reports(demo) -> int:
    reports = demo["reports"]
    in_year = reports["received_date"].between(*FY2025)
    return int((in_year & (reports["subject_force"] == "kent")).sum())


def test_a_force_in_the_address_opens_that_forces_own_internal_snapshot(app_as, demo):
    app = on_publish(app_as, {"period": "fy2025", "force": "kent"})
    assert app.toggle(key="publish_public").value is False
    assert app.selectbox(key="publish_period").value == "fy2025"
    assert app.multiselect(key="publish_forces").value == ["kent"]
    assert "A public release covers every force" in app.info[0].value
    assert "Internal snapshot of Kent alone" in app.warning[-1].value
    assert headline(app, "reports") == str(kent_reports(demo))
    assert table(app, "force_code")["force_code"].tolist() == ["kent"]
    # the address now says what is shown, so it opens the same snapshot again
    assert address(app) == {"snapshot": ["internal"], "period": ["fy2025"], "force": ["kent"]}
    labels = [button.proto.label for button in app.get("download_button")]
    assert any("zip" in label for label in labels)


def test_a_releasable_period_in_the_address_opens_its_public_snapshot(app_as):
    app = on_publish(app_as, {"period": "fy2024-q2"})
    assert app.toggle(key="publish_public").value is True
    assert app.selectbox(key="publish_public_period").value == "fy2024-q2"
    assert not app.info
    assert "publish --quarter 2024-2" in app.success[0].value
    assert address(app) == {"period": ["fy2024-q2"]}


def test_without_an_address_the_latest_releasable_period_is_shown(app_as):
    app = on_publish(app_as, {})
    # the demo runs to 31 October 2026: April to June 2026 is the latest period 3 months past
    assert app.selectbox(key="publish_public_period").value == "fy2026-q1"
    assert address(app) == {"period": ["fy2026-q1"]}


def test_a_period_not_yet_releasable_is_previewed_internally_and_says_why(app_as, demo):
    app = on_publish(app_as, {"period": "fy2026"})
    assert app.toggle(key="publish_public").value is False
    assert app.selectbox(key="publish_period").value == "fy2026"
    assert "can be released once the data runs to June 2027" in app.info[0].value
    reports = demo["reports"]["received_date"]
    in_year = reports.between(pd.Timestamp("2026-04-01"), pd.Timestamp("2026-10-31"))
    assert headline(app, "reports") == str(int(in_year.sum()))


def test_choosing_a_force_on_the_page_narrows_the_snapshot_and_the_address(app_as, demo):
    app = on_publish(app_as, {"period": "fy2025", "snapshot": "internal"})
    assert not app.info  # an internal snapshot was asked for: nothing to explain
    every_force = table(app, "force_code")["force_code"].tolist()
    assert len(every_force) > 40
    app.multiselect(key="publish_forces").select("kent").run()
    assert not app.exception, app.exception
    assert table(app, "force_code")["force_code"].tolist() == ["kent"]
    assert headline(app, "reports") == str(kent_reports(demo))
    assert address(app)["force"] == ["kent"]
    # back to public: a release covers every force, and the address drops the force
    app.toggle(key="publish_public").set_value(True).run()
    assert "force" not in address(app)
    assert len(table(app, "force_code")) == len(every_force)
