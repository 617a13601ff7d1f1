"""The charts of the public Published figures page, drawn from released cells only: a withheld
cell ([c]) keeps its row, with no bar and its mark beside it, so it is never read as 0.

Built like oversight.charts (plain dicts in one step, validated under test), in the same
palette; each has no title of its own (the page heads it, so that a phone does not cut it)."""

import plotly.graph_objects as go

from oversight.analysis.published import Bars, Times
from oversight.charts import OKABE_ITO, _one_pass_figure

BAR_COLOUR = OKABE_ITO["blue"]
ROW_HEIGHT = 38
# Room right of the longest bar for the words beside it: a share of the longest bar, and a
# margin the words may run into (on a phone the plot is narrow).
ROOM_FOR_TEXT = 1.25
TEXT_MARGIN = 70
# A chart for people on a phone as on a desktop: no toolbar over the plot, no zooming by a
# stray drag of the finger.
CONFIG = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False}
# Near-black words (the theme's text colour): the figures by the bars are read, not glanced at,
# and the theme's grey is faint on a phone in daylight.
INK = "#0b0c0c"


def _top(values: list) -> float:
    drawn = [v for v in values if v is not None]
    return max(max(drawn, default=0.0), 1.0)


def labelled_bars(bars: Bars, x_title: str, colours: list[str] | None = None) -> go.Figure:
    """Horizontal bars in the given order, each with its figure beside it as published; a row
    whose figure is withheld or cannot be worked out has no bar, only its mark."""
    bar = {
        "type": "bar",
        "orientation": "h",
        "y": bars.labels,
        # no bar is drawn for a row without a figure; its text still shows at the axis
        "x": [0 if v is None else v for v in bars.values],
        "text": bars.texts,
        "textposition": "outside",
        "outsidetextfont": {"color": INK},
        "cliponaxis": False,
        "marker": {"color": colours or BAR_COLOUR},
        "hovertemplate": "%{y}: %{text}<extra></extra>",
        "showlegend": False,
    }
    return _one_pass_figure(
        [bar], "", x_title, "", height=70 + ROW_HEIGHT * len(bars.labels),
        layout={
            "xaxis": {"range": [0, _top(bars.values) * ROOM_FOR_TEXT], "fixedrange": True,
                      "tickformat": ",~g", "nticks": 5},
            "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True,
                      "tickfont": {"color": INK}},
            "margin": {"t": 10, "r": TEXT_MARGIN},
        },
    )  # fmt: skip


def timeliness_bars(times: Times) -> go.Figure:
    """Each stage's median and 90th percentile, whole days, as two bars side by side."""
    return paired_bars(
        times.stages,
        [
            ("Half took no longer than", times.medians, times.median_texts),
            ("9 in 10 took no longer than", times.p90s, times.p90_texts),
        ],
        "Days",
        ",d",
    )


def paired_bars(
    labels: list[str], series: list[tuple[str, list, list[str]]], x_title: str, tickformat: str
) -> go.Figure:
    """Two figures a row as bars side by side, each series (name, values, the text by each bar)
    in its own colour with a legend; a figure withheld or not worked out has no bar, only its
    text."""
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": labels,
            "x": [0 if v is None else v for v in values],
            "text": texts,
            "textposition": "outside",
            "outsidetextfont": {"color": INK},
            "cliponaxis": False,
            "marker": {"color": colour},
            "hovertemplate": f"%{{y}}<br>{name}: %{{text}}<extra></extra>",
        }
        for (name, values, texts), colour in zip(
            series, (BAR_COLOUR, OKABE_ITO["sky_blue"]), strict=True
        )
    ]
    drawn = [v for _, values, _ in series for v in values]
    return _one_pass_figure(
        traces, "", x_title, "", height=110 + 2 * ROW_HEIGHT * len(labels),
        layout={
            "barmode": "group",
            "xaxis": {"range": [0, _top(drawn) * ROOM_FOR_TEXT], "fixedrange": True,
                      "tickformat": tickformat},
            "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True,
                      "tickfont": {"color": INK}},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0,
                       "traceorder": "normal"},
            "margin": {"t": 40, "r": TEXT_MARGIN},
        },
    )  # fmt: skip


def monthly_bars(months: list[str], by_channel: dict[str, list[int]], colours: dict) -> go.Figure:
    """Reports by month, one stacked bar a month, a colour a channel."""
    traces = [
        {
            "type": "bar",
            "name": channel,
            "x": months,
            "y": counts,
            "marker": {"color": colours.get(channel, BAR_COLOUR)},
            "hovertemplate": f"%{{x}}<br>{channel}: %{{y:,}}<extra></extra>",
        }
        for channel, counts in by_channel.items()
    ]
    return _one_pass_figure(
        traces, "", "Month received", "Reports", height=380,
        layout={
            "barmode": "stack",
            "xaxis": {"fixedrange": True, "type": "category"},
            "yaxis": {"fixedrange": True, "tickformat": ",d"},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0,
                       "traceorder": "normal"},
            "margin": {"t": 40},
        },
    )  # fmt: skip
