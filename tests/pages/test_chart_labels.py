"""Charts as the pages draw them: forces by their short names in every chart, the funnel plot's
size axis labelled plainly, and every chart's title and one-line summary written as text."""

import base64
import json
import re

import numpy as np
import pandas as pd

from oversight.settings import PROJECT_ROOT

FORCES = pd.read_csv(PROJECT_ROOT / "data" / "forces.csv", dtype={"force_code": str})


def _charts(app) -> dict[str, dict]:
    """Every chart the page drew, as sent to the browser, by its title."""
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    return {spec["layout"]["meta"]["title"]: spec for spec in specs}


def _values(values) -> list:
    """A plotly array as sent: a plain list, or typed numbers in base64."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return list(values)


def test_the_awaiting_chart_names_forces_by_their_short_names(open_page, demo):
    app = open_page("app_pages/outcomes.py", query={"period": "all"})
    chart = next(spec for title, spec in _charts(app).items() if title.startswith("Referrals"))
    named = {name for trace in chart["data"] for name in _values(trace["y"])}
    referrals = demo["referrals"]
    waiting = set(referrals.loc[referrals["assessment"] == "pending", "force"])
    short = dict(zip(FORCES["force_code"], FORCES["short_name"], strict=True))
    assert named == {short[code] for code in waiting}
    assert "Kent Police" not in named and "Kent" in named


def test_the_funnel_plot_counts_officers_plainly(open_page):
    app = open_page("app_pages/forces.py", query={"period": "fy2025"})
    funnel = next(spec for title, spec in _charts(app).items() if "against its size" in title)
    axis = funnel["layout"]["xaxis"]
    assert axis["type"] == "log"
    # 1, 2 and 5 times powers of ten, with thousands separators ("5 6 7 8 9 1000 2" before)
    assert {500, 1000, 2000, 5000, 10000, 20000} <= set(axis["tickvals"])
    assert all(str(tick)[0] in "125" for tick in axis["tickvals"])
    assert axis["tickformat"] == ","


def test_every_chart_has_its_title_and_summary_as_text(open_page):
    app = open_page("app_pages/reports.py", query={"period": "fy2025", "force": "kent"})
    charts = _charts(app)
    assert charts
    # as the reader sees them: markdown's escapes taken out
    texts = [re.sub(r"\\(.)", r"\1", element.value) for element in app.markdown]
    for title, spec in charts.items():
        assert "text" not in spec["layout"].get("title", {}), title  # not drawn: it was cut
        assert f"**{title}**" in texts, title
        summary = spec["layout"]["meta"]["summary"]
        assert summary in texts, title
    category = charts["Reports by category (a report can carry several)"]
    assert category["layout"]["meta"]["summary"].startswith(
        "Reports carrying the category: highest"
    )
