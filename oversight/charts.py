"""Plotly figure builders, one function per chart kind, with one colour-blind-safe palette.

Colours come from the Okabe-Ito palette (Okabe and Ito 2008, safe for the common colour-vision
deficiencies); a channel, category, assessment or outcome keeps its colour on every page.
Every builder takes a title that says what the chart shows and axis titles with units.

Charts are drawn for a phone's width (390 px) as well as a desktop's: the title is not drawn in
the figure (a plotly title does not wrap, so a long one was cut) but kept with a one-line
summary of what the chart shows in layout.meta, for the page to write above and below it as
text (title_and_summary); legends sit in a row above the plot or under it, never beside it.
The summary is the chart's text alternative for a screen reader, beside its table.
"""

import math
import os
import textwrap
from collections import defaultdict

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import convert_to_base64
from plotly.basedatatypes import BasePlotlyType
from plotly.colors import sequential

from oversight.contract import ASSESSMENTS, CATEGORIES, CHANNELS

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
NEUTRAL = OKABE_ITO["grey"]

CHANNEL_COLOURS = dict(zip(CHANNELS, [OKABE_ITO["blue"], OKABE_ITO["orange"]], strict=True))
CATEGORY_COLOURS = dict(
    zip(
        CATEGORIES,
        [
            OKABE_ITO["vermillion"],
            OKABE_ITO["blue"],
            OKABE_ITO["reddish_purple"],
            OKABE_ITO["bluish_green"],
            OKABE_ITO["orange"],
            OKABE_ITO["grey"],
        ],
        strict=True,
    )
)
ASSESSMENT_COLOURS = dict(
    zip(
        ASSESSMENTS,
        [
            OKABE_ITO["vermillion"],
            OKABE_ITO["bluish_green"],
            OKABE_ITO["sky_blue"],
            OKABE_ITO["grey"],
            OKABE_ITO["orange"],
            OKABE_ITO["yellow"],
        ],
        strict=True,
    )
)
# Outcome groups used in outcome-mix charts (docs/metrics.md stages).
OUTCOME_GROUP_COLOURS = {
    "open": OKABE_ITO["grey"],
    "no case to answer": OKABE_ITO["sky_blue"],
    "false allegation": OKABE_ITO["yellow"],
    "case to answer, no dismissal": OKABE_ITO["orange"],
    "case to answer, awaiting proceedings": OKABE_ITO["reddish_purple"],
    "dismissed or would have been": OKABE_ITO["vermillion"],
}
GROUP_COLOURS = {
    "force": OKABE_ITO["vermillion"],
    "region": OKABE_ITO["blue"],
    "national": OKABE_ITO["black"],
}
FONT = "Source Sans Pro, Arial, sans-serif"


def _validating() -> bool:
    """Whether plotly validates the figures built here (see _figure)."""
    return os.environ.get("OVERSIGHT_VALIDATE_CHARTS") == "1"


class PlainFigure(go.Figure):
    """A figure kept as the plain dicts it was built from, for st.plotly_chart to send on.

    st.plotly_chart only asks a figure for to_dict() and serialises that. A go.Figure, even
    unvalidated, first turns every trace and the layout into plotly objects and then deep-copies
    them all back into dicts: about 5 ms per chart on every rerun, most of a chart's cost. This
    figure skips both: to_dict() returns a copy of the dicts (their containers only, not the
    arrays in them) with the default template added, as go.Figure does, and arrays in base64, as
    go.Figure.to_dict does. It supports nothing else
    (no update_layout, no .data): every builder here makes its figure whole, in one step.
    tests/test_charts.py checks that each builder's PlainFigure sends exactly what the validated
    go.Figure sends.
    """

    def __init__(self, data: list[dict], layout: dict) -> None:  # noqa: D107
        # go.Figure.__init__ is skipped on purpose: it is the cost this class avoids
        self._plain_data = data
        self._plain_layout = layout

    def to_dict(self) -> dict:
        """The figure as plotly's to_dict gives it: data, and layout with the default template."""
        layout = _copied(self._plain_layout)
        if layout.get("template") is None and pio.templates.default is not None:
            # shared, not copied: it holds no arrays, so convert_to_base64 leaves it as it is
            layout["template"] = _default_template()
        figure = {"data": _copied(self._plain_data), "layout": layout}
        convert_to_base64(figure)
        return figure

    def to_plotly_json(self) -> dict:
        """The same as to_dict (what plotly.io's encoders ask a figure for)."""
        return self.to_dict()


def _default_template() -> dict:
    """plotly.io's default template (Streamlit's own, once Streamlit is imported) as a dict,
    made once per template object (plotly's to_plotly_json deep-copies it on every call)."""
    template = pio.templates.default
    if not isinstance(template, BasePlotlyType):
        template = pio.templates[template]
    made_from, plain = _template_made
    if made_from is not template:
        plain = template.to_plotly_json()
        _template_made[:] = [template, plain]
    return plain


_template_made: list = [None, {}]  # the template object last made into a dict, and that dict


def _copied(value):
    """A copy of nested dicts and lists, sharing their leaves (convert_to_base64 edits dicts)."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copied(item) for item in value]
    return value


def _figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure built in one step from plain dict traces and a plain dict layout.

    Validation is a setting. Plotly checks every property name and value as a figure is built
    (several times the cost of building it unchecked: milliseconds to tens of milliseconds per
    chart on every page rerun), while st.plotly_chart only sends fig.to_dict() on, unchecked.
    So validation is ON when the environment variable OVERSIGHT_VALIDATE_CHARTS is "1" and OFF
    otherwise: the tests turn it on (tests/conftest.py), so a typo in a property name still fails
    the tests, while the running dashboard skips the cost and gets a PlainFigure.
    tests/test_charts.py checks that every builder's figure sends the same either way. It is
    read at each call, not at import, so a test can switch it.
    """
    if _validating():
        return go.Figure(data=data, layout=layout)
    return PlainFigure(data, layout)


_AXIS = {"showline": True, "linecolor": "#444", "gridcolor": "#eee"}
# A numeric axis: thousands separators on its ticks, and in the hover one decimal at most
_NUMBERS = {"tickformat": ",", "hoverformat": ",.1~f"}


def _style(title: str, x_title: str, y_title: str, height: int) -> dict:
    """The layout every chart shares: the title (and the summary, added by _one_pass_figure)
    in meta for the page to write, the legend in a row above the plot, plain axes on white, the
    count axis from zero (a new dict on each call: callers change it)."""
    return {
        "meta": {"title": title},
        "font": {"family": FONT, "size": 13},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "xaxis": {"title": {"text": x_title}, **_AXIS},
        "yaxis": {"title": {"text": y_title}, **_AXIS, "rangemode": "tozero"},
        "height": height,
        "plot_bgcolor": "white",
        "hovermode": "closest",
    }


def _rows_by_group(keys: list) -> dict[object, list[int]]:
    """The row positions of each value in keys (a grouping column as a list), in the order the
    values first appear, as groupby(sort=False) gives them; rows with no value (None or NaN) are
    left out, as groupby leaves them out.

    The builders split their rows with this rather than groupby or a boolean filter per group:
    on the few to few thousand rows of a chart, pandas' overhead per call is most of the cost.
    """
    rows = defaultdict(list)
    for position, key in enumerate(keys):
        rows[key].append(position)
    return {key: positions for key, positions in rows.items() if not pd.isna(key)}


def _rows_by_colour(frame: pd.DataFrame, colour: str | None) -> dict:
    """_rows_by_group of the colour column; with no colour column, every row in one group named
    None."""
    if colour is None:
        return {None: list(range(len(frame)))}
    return _rows_by_group(frame[colour].tolist())


def _whiskers(value: np.ndarray, low: np.ndarray, high: np.ndarray) -> dict:
    """Error bars from low to high around value (arrays of one trace's rows), as the start of
    an error_x or error_y entry: lists of the distances above and below."""
    return {
        "type": "data",
        "symmetric": False,
        "array": (high - value).tolist(),
        "arrayminus": (value - low).tolist(),
    }


def _hline(y: float, line: dict) -> dict:
    """A line across the whole plot at y, as a layout shape (what fig.add_hline draws)."""
    return {
        "type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
        "line": line,
    }  # fmt: skip


def title_and_summary(fig: go.Figure) -> tuple[str, str]:
    """A chart's title and its one-line summary, as the builders keep them in layout.meta."""
    if isinstance(fig, PlainFigure):
        meta = fig._plain_layout.get("meta") or {}
    else:
        meta = fig.layout.meta or {}
    return str(meta.get("title", "")), str(meta.get("summary", ""))


def _number(value, decimals: int | None = None, unit: str = "") -> str:
    """A number as the chart shows it: with thousands separators, whole where it is whole and
    else to one decimal place (or to decimals); "–" where there is none."""
    if value is None or pd.isna(value):
        return "–"
    value = float(value)
    if decimals is None:
        decimals = 0 if value.is_integer() else 1
    return f"{value:,.{decimals}f}{unit}"


def _label(value) -> str:
    """A category or a date as a summary names it (a month as "Mar 2025")."""
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "strftime"):
        return f"{pd.Timestamp(value):%b %Y}"
    return str(value).replace("<br>", " ")


def _wrapped(label, width: int = 22) -> str:
    """A long category name in lines of about width characters, so that on a phone it does
    not take the width its bar needs."""
    text = str(label)
    if len(text) <= width:
        return text
    return "<br>".join(textwrap.wrap(text, width))


def _measure(title: str) -> str:
    """An axis title without its bracketed note: "Rate (%)" is "Rate"."""
    return title.split(" (")[0].strip()


def _unit(title: str) -> str:
    """ "%" where an axis title says its values are percentages, else nothing."""
    return "%" if "(%)" in title or title.strip().lower() == "percent" else ""


def _extremes(
    what: str,
    labels: list,
    values: list,
    unit: str = "",
    decimals: int | None = None,
    shares: list | None = None,
) -> str:
    """What the highest and the lowest are, in words: "Reports: highest Kent (106), lowest
    Essex (36)" (each with its share as a percentage where shares are given)."""
    known = [
        (label, value, shares[at] if shares else None)
        for at, (label, value) in enumerate(zip(labels, values, strict=True))
        if value is not None and not pd.isna(value)
    ]
    if not known:
        return f"{what}: nothing to show."

    def one(item) -> str:
        label, value, share = item
        shown = _number(value, decimals, unit)
        if share is not None and not pd.isna(share):
            shown += f", {share:.0%}"
        return f"{_label(label)} ({shown})"

    if len(known) == 1:
        return f"{what}: {one(known[0])}."
    high = max(known, key=lambda item: item[1])
    low = min(known, key=lambda item: item[1])
    return f"{what}: highest {one(high)}, lowest {one(low)}."


def _series_summary(what: str, series: dict, unit: str = "") -> str:
    """Each series' highest point and its latest, in words; series maps a name (None for a
    chart of one series) to its (x values, y values)."""
    parts = []
    for name, (xs, ys) in series.items():
        points = [(x, y) for x, y in zip(xs, ys, strict=True) if not pd.isna(y)]
        if not points:
            continue
        top = max(points, key=lambda point: point[1])
        last = points[-1]
        text = (
            f"highest {_number(top[1], unit=unit)} ({_label(top[0])}), "
            f"latest {_number(last[1], unit=unit)} ({_label(last[0])})"
        )
        parts.append(text if name is None else f"{name} {text}")
    return f"{what}: {'; '.join(parts) or 'nothing to show'}."


def bars(
    frame: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    x_title: str,
    y_title: str,
    colour: str | None = None,
    colours: dict[str, str] | None = None,
    error: tuple[str, str] | None = None,
    horizontal: bool = False,
    stacked: bool = True,
) -> go.Figure:
    """Bars of y by x, one trace per value of colour (stacked), with optional interval whiskers."""
    rows_by_name = _rows_by_colour(frame, colour)
    x_values, y_values = frame[x].to_numpy(), frame[y].to_numpy()
    if error:
        low_values, high_values = frame[error[0]].to_numpy(), frame[error[1]].to_numpy()
    traces = []
    for name, rows in rows_by_name.items():
        bar_x, bar_y = x_values[rows], y_values[rows]
        bar = {
            "type": "bar",
            "x": bar_y if horizontal else bar_x,
            "y": bar_x if horizontal else bar_y,
            "name": str(name) if name is not None else y_title,
            "orientation": "h" if horizontal else "v",
            "showlegend": name is not None,
        }
        if error:
            bar["error_x" if horizontal else "error_y"] = {
                **_whiskers(bar_y, low_values[rows], high_values[rows]),
                "color": "#333",
            }
        colour_value = (colours or {}).get(name, OKABE_ITO["blue"] if name is None else None)
        if colour_value is not None:  # else plotly's own colour for the trace
            bar["marker"] = {"color": colour_value}
        traces.append(bar)
    layout = {"barmode": "stack" if stacked else "group"}
    summary = _bars_summary(frame, x, y, x_title, y_title, colour, stacked)
    if horizontal:
        layout["yaxis"] = {"autorange": "reversed"}
        layout["xaxis"] = dict(_NUMBERS)
        return _one_pass_figure(
            traces, title, y_title, x_title, height=max(320, 22 * frame[x].nunique()),
            layout=layout, summary=summary,
        )  # fmt: skip
    layout["yaxis"] = dict(_NUMBERS)
    return _one_pass_figure(
        traces, title, x_title, y_title, height=420, layout=layout, summary=summary
    )


def _bars_summary(
    frame: pd.DataFrame,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    colour: str | None,
    stacked: bool,
) -> str:
    """bars' summary: the highest and lowest bar, or, stacked, the highest and lowest total
    (and the total of all). A value axis titled by its unit alone ("Percent") is named by the
    other axis's title ("Rate")."""
    unit = _unit(y_title)
    what = _measure(y_title)
    if what.lower() == "percent":
        what = _measure(x_title)
    if colour is None or not stacked:
        labels = frame[x].tolist()
        if colour is not None:
            labels = [f"{name}, {at}" for at, name in zip(labels, frame[colour].tolist(),
                                                          strict=True)]  # fmt: skip
        return _extremes(what, labels, frame[y].tolist(), unit)
    totals: dict = {}
    for at, value in zip(frame[x].tolist(), frame[y].tolist(), strict=True):
        totals[at] = totals.get(at, 0) + (0 if pd.isna(value) else value)
    text = _extremes(what, list(totals), list(totals.values()), unit)
    return f"{text[:-1]}; {_number(sum(totals.values()), unit=unit)} in all."


def lines(
    frame: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    x_title: str,
    y_title: str,
    colour: str | None = None,
    colours: dict[str, str] | None = None,
    band: tuple[str, str] | None = None,
    step: bool = False,
) -> go.Figure:
    """Lines of y over x, one per value of colour, with an optional shaded interval band."""
    rows_by_name = _rows_by_colour(frame, colour)
    x_values, y_values = frame[x].to_numpy(), frame[y].to_numpy()
    if band:
        # lists, as the band's outline joins two runs of them (pandas' tolist keeps dates as
        # Timestamps, where numpy's would not)
        x_list = frame[x].tolist()
        low_list, high_list = frame[band[0]].tolist(), frame[band[1]].tolist()
    shape = "hv" if step else "linear"
    traces = []
    for name, rows in rows_by_name.items():
        colour_value = (colours or {}).get(name, OKABE_ITO["blue"])
        # the band's outline: along the top, then back along the bottom; one outline per run
        # of rows with both ends (a missing end would cut across the chart)
        for run in _band_runs(rows, low_list, high_list) if band else []:
            band_x = [x_list[i] for i in run]
            traces.append({
                "type": "scatter",
                "x": band_x + band_x[::-1],
                "y": [high_list[i] for i in run] + [low_list[i] for i in run][::-1],
                "fill": "toself",
                "fillcolor": colour_value,
                "opacity": 0.15,
                # no markers: plotly would mark each corner of a short band
                "mode": "lines",
                "line": {"width": 0, "shape": shape},
                "hoverinfo": "skip",
                "showlegend": False,
            })  # fmt: skip
        traces.append({
            "type": "scatter",
            "x": x_values[rows],
            "y": y_values[rows],
            "mode": "lines+markers" if not step else "lines",
            "name": str(name) if name is not None else y_title,
            "line": {"color": colour_value, "shape": shape, "width": 2},
            "showlegend": name is not None,
        })  # fmt: skip
    x_all = frame[x].tolist()  # dates as Timestamps, as numpy's tolist would not keep them
    summary = _series_summary(
        _measure(y_title),
        {name: ([x_all[i] for i in rows], y_values[rows].tolist())
         for name, rows in rows_by_name.items()},
        _unit(y_title),
    )  # fmt: skip
    return _one_pass_figure(
        traces, title, x_title, y_title, height=420, layout={"yaxis": dict(_NUMBERS)},
        summary=summary,
    )  # fmt: skip


def _band_runs(rows, low: list, high: list) -> list[list[int]]:
    """The rows split into runs of consecutive rows whose band has both ends."""
    runs: list[list[int]] = [[]]
    for i in rows:
        if pd.notna(low[i]) and pd.notna(high[i]):
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def funnel(frame: pd.DataFrame, stage: str, count: str, title: str) -> go.Figure:
    """A funnel of counts by stage, each bar labelled with its count and share of the first."""
    stages = {
        "type": "funnel",
        "y": [_wrapped(name) for name in frame[stage].tolist()],
        "x": frame[count],
        "texttemplate": "%{value:,}<br>%{percentInitial:.0%}",
        "marker": {"color": OKABE_ITO["blue"]},
        "connector": {"line": {"color": NEUTRAL}},
    }
    summary = "; ".join(
        f"{stage_name}: {_number(value)}"
        for stage_name, value in zip(frame[stage].tolist(), frame[count].tolist(), strict=True)
    )
    return _one_pass_figure(
        [stages], title, "Number of reports or cases", "Stage", height=460,
        layout={"xaxis": dict(_NUMBERS)}, summary=summary + ".",
    )  # fmt: skip


def stage_bars(frame: pd.DataFrame, stage: str, count: str, words: str, title: str) -> go.Figure:
    """A bar per stage, in order from the top, each named with its stage and the words of
    column words above it, across the whole width: long words fit a phone's width, where names
    beside the bars would leave the bars no room. No axis: the words give the numbers."""
    names = frame[stage].tolist()
    bars = {
        "type": "bar",
        "orientation": "h",
        "y": names,
        "x": frame[count].tolist(),
        "marker": {"color": OKABE_ITO["blue"]},
        "customdata": frame[words].tolist(),
        "hovertemplate": "%{y}<br>%{customdata}<extra></extra>",
    }
    slot, gap = 84, 0.6  # pixels per stage, and the share of it left for the words
    annotations = [
        {
            "x": 0, "xref": "paper", "xanchor": "left", "y": name, "yref": "y",
            "yanchor": "bottom", "yshift": slot * (1 - gap) / 2 + 1, "align": "left",
            "showarrow": False, "text": f"<b>{name}</b><br>{said}",
            "font": {"size": 13, "color": "#31333F"},  # the words carry the numbers: full contrast
        }
        for name, said in zip(names, bars["customdata"], strict=True)
    ]  # fmt: skip
    hidden = {"showticklabels": False, "showgrid": False, "showline": False, "ticks": "",
              "zeroline": False, "title": {"text": ""}}  # fmt: skip
    # the first and last stages: each stage's words are on the chart and in its table
    said = bars["customdata"]
    summary = f"{len(names)} stages, from {names[0]}: {said[0]}, to {names[-1]}: {said[-1]}"
    return _one_pass_figure(
        [bars], title, "", "", height=slot * len(names) + 40,
        layout={
            # room above the first bar for its words
            "bargap": gap, "annotations": annotations, "margin": {"t": 30},
            "xaxis": {**hidden, "rangemode": "tozero"},
            "yaxis": {**hidden, "autorange": "reversed"},
        },
        summary=f"{summary}.",
    )  # fmt: skip


def funnel_plot(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    x: str,
    y: str,
    label: str,
    target: float,
    title: str,
    x_title: str,
    y_title: str,
    highlight: str | None = None,
) -> go.Figure:
    """Each unit's rate against its size, with control limits around the target rate.

    limits has x and columns lower_95, upper_95, lower_998, upper_998.
    """
    traces, layout = _funnel_plot_parts(
        points, limits, x, y, label, target, x_title, y_title, highlight
    )
    summary = _funnel_summary(points, y, label, y_title, highlight, f"target {target:,.1f}")
    return _one_pass_figure(
        traces, title, x_title, y_title, height=480, layout=layout, summary=summary
    )


def _funnel_summary(
    points: pd.DataFrame, y: str, label: str, y_title: str, highlight: str | None, target: str
) -> str:
    """A funnel plot's summary: the highest and lowest unit, the highlighted one, the target."""
    unit = _unit(y_title)
    text = _extremes(_measure(y_title), points[label].tolist(), points[y].tolist(), unit)[:-1]
    chosen = points[points[label] == highlight] if highlight else points.iloc[:0]
    if not chosen.empty:
        text += f"; {highlight} {_number(chosen[y].iat[0], 1, unit)}"
    return f"{text}; {target}." if target else f"{text}."


def _log_ticks(low: float, high: float) -> list[float]:
    """Ticks for a log axis from low to high, at 1, 2 and 5 times a power of ten (500, 1,000,
    2,000, 5,000, ...), rather than plotly's unlabelled minor digits ("5 6 7 8 9 1000 2")."""
    if not (low > 0 and high >= low and math.isfinite(high)):
        return []
    ticks = [
        step * 10.0**power
        for power in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
        for step in (1, 2, 5)
    ]
    return [tick for tick in ticks if low <= tick <= high]


def _funnel_plot_parts(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    x: str,
    y: str,
    label: str,
    target: float,
    x_title: str,
    y_title: str,
    highlight: str | None,
) -> tuple[list[dict], dict]:
    """funnel_plot's traces (the limits, then the units' markers, named "forces") and its
    layout entries (the target line), for funnel_plot and funnel_plot_focused to build on."""
    traces, limit_x = [], limits[x].to_numpy()
    for level, dash in (("998", "dash"), ("95", "dot")):
        shown = "99.8%" if level == "998" else "95%"
        for side in ("lower", "upper"):
            traces.append({
                "type": "scatter",
                "x": limit_x,
                "y": limits[f"{side}_{level}"].to_numpy(),
                "mode": "lines",
                "line": {"color": NEUTRAL, "dash": dash, "width": 1.5},
                "name": f"{shown} limits",
                "showlegend": side == "lower",
                "hoverinfo": "skip",
            })  # fmt: skip
    labels = points[label].to_numpy()
    colours = [
        OKABE_ITO["vermillion"] if highlight and name == highlight else OKABE_ITO["blue"]
        for name in labels.tolist()
    ]
    traces.append({
        "type": "scatter",
        "x": points[x].to_numpy(),
        "y": points[y].to_numpy(),
        "mode": "markers",
        "marker": {"color": colours, "size": 9, "line": {"color": "white", "width": 1}},
        "text": labels,
        "hovertemplate": "%{text}<br>" + f"{x_title}: %{{x:,.0f}}<br>{y_title}: %{{y:.2f}}"
        "<extra></extra>",
        "name": "forces",
        "showlegend": False,
    })  # fmt: skip
    return traces, {"shapes": [_hline(target, {"color": OKABE_ITO["black"], "width": 1})]}


# Subject groups on the Fairness page (subject_ethnicity and subject_sex, by label); the
# reference groups (White, Male) are drawn as the line at 1, "Not stated" is never compared.
SUBJECT_GROUP_COLOURS = {
    "White": OKABE_ITO["black"],
    "Asian": OKABE_ITO["orange"],
    "Black": OKABE_ITO["blue"],
    "Mixed": OKABE_ITO["bluish_green"],
    "Other ethnic group": OKABE_ITO["reddish_purple"],
    "Male": OKABE_ITO["black"],
    "Female": OKABE_ITO["vermillion"],
    "Other": OKABE_ITO["reddish_purple"],
    "Not stated": OKABE_ITO["grey"],
}
_RATIO_TICKS = (0.1, 0.2, 0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 10)


def relative_rates(
    frame: pd.DataFrame,
    stage: str,
    group: str,
    ratio: str,
    low: str,
    high: str,
    title: str,
    x_title: str,
    y_title: str,
    reference_label: str,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Relative rates by stage, one marker per group with its interval, on a log scale around a
    reference line at 1 (the same rate as the reference group). Rows with no ratio are skipped."""
    from math import log10

    columns = {column: frame[column].to_numpy() for column in (stage, group, ratio, low, high)}
    has_ratio = pd.notna(columns[ratio]) & pd.notna(columns[low]) & pd.notna(columns[high])
    shown = {column: values[has_ratio] for column, values in columns.items()}
    traces = []
    for name, rows in _rows_by_group(shown[group].tolist()).items():
        ratios, lows, highs = shown[ratio][rows], shown[low][rows], shown[high][rows]
        traces.append({
            "type": "scatter",
            "x": shown[stage][rows],
            "y": ratios,
            "mode": "markers",
            "name": str(name),
            "marker": {"color": (colours or {}).get(name, OKABE_ITO["blue"]), "size": 11},
            "error_y": {**_whiskers(ratios, lows, highs), "thickness": 1.5, "width": 6},
            "customdata": np.column_stack([lows, highs]),
            "hovertemplate": f"{name}<br>%{{x}}<br>{y_title}: %{{y:.2f}} "
            "(95% interval %{customdata[0]:.2f} to %{customdata[1]:.2f})<extra></extra>",
        })  # fmt: skip
    reference = {"color": NEUTRAL, "width": 1.5, "dash": "dash"}
    # The line at 1 is named in the legend, where a label cannot cover a group's interval.
    traces.append({
        "type": "scatter", "x": [None], "y": [None], "mode": "lines", "name": reference_label,
        "hoverinfo": "skip", "line": dict(reference),
    })  # fmt: skip
    values = [1.0, *shown[low].tolist(), *shown[high].tolist()]
    bottom, top = min(values) / 1.2, max(values) * 1.2
    steps = list(dict.fromkeys(columns[stage].tolist()))  # every step, drawn or not
    summary = _extremes(
        _measure(y_title),
        [f"{name} at {step}" for name, step in zip(shown[group].tolist(), shown[stage].tolist(),
                                                   strict=True)],
        shown[ratio].tolist(), decimals=2,
    )  # fmt: skip
    return _one_pass_figure(
        traces, title, x_title, y_title, height=460, summary=summary,
        layout={
            "shapes": [_hline(1, reference)],
            "scattermode": "group",
            "scattergap": 0.5,
            "yaxis": {
                "type": "log",
                "range": [log10(bottom), log10(top)],
                "tickvals": [t for t in _RATIO_TICKS if bottom <= t <= top],
                "rangemode": "normal",
            },
            "xaxis": {"categoryorder": "array", "categoryarray": steps},
        },
    )  # fmt: skip


def labelled_bars(
    frame: pd.DataFrame,
    label: str,
    count: str,
    title: str,
    x_title: str,
    y_title: str,
    colours: dict[str, str] | None = None,
    share: str | None = None,
) -> go.Figure:
    """Horizontal bars of count by label in the frame's order, each labelled with its count and,
    where share names a 0..1 column, its share; coloured by label (else one blue)."""
    counts, labels = frame[count].tolist(), frame[label].tolist()
    bar = {
        "type": "bar",
        "x": counts,
        "y": [_wrapped(name) for name in labels],
        "orientation": "h",
        "marker": {"color": [(colours or {}).get(name, OKABE_ITO["blue"]) for name in labels]},
        "text": _count_labels(counts, frame[share].tolist() if share else None),
        "textposition": "auto",
        "cliponaxis": False,
        "hovertemplate": f"%{{y}}<br>{x_title}: %{{x:,}}<extra></extra>",
    }
    # room to the right of the longest bar for its label
    top = max(float(frame[count].max()), 1.0)
    return _one_pass_figure(
        [bar], title, x_title, y_title, height=max(220, 110 + 34 * len(frame)),
        layout={
            "xaxis": {"range": [0, top * (1.35 if share else 1.2)], **_NUMBERS},
            "yaxis": {"autorange": "reversed"},
        },
        summary=_extremes(_measure(x_title), labels, counts,
                          shares=frame[share].tolist() if share else None),
    )  # fmt: skip


def _count_labels(counts: list, shares: list | None) -> list[str]:
    """Each bar's label: its count, and its share (0..1, shown as a percentage) where shares
    are given and the bar has one."""
    if shares is None:
        return [f"{int(n):,}" for n in counts]
    return [
        f"{int(n):,}" + (f" ({s:.0%})" if pd.notna(s) else "")
        for n, s in zip(counts, shares, strict=True)
    ]


def interval_dots(
    frame: pd.DataFrame,
    label: str,
    value: str,
    low: str,
    high: str,
    title: str,
    x_title: str,
    y_title: str,
    reference: float | None = None,
    reference_label: str = "",
    hover: dict[str, str] | None = None,
    x_range: tuple[float, float] | None = None,
) -> go.Figure:
    """One row per label (in the frame's order): a dot at value with a whisker from low to high,
    and an optional vertical reference line (such as the national rate).

    hover maps further columns to their names in the hover text (numbers shown with commas);
    x_range fixes the value axis (such as 0 to 100 for percentages).
    """
    extra = list(hover or {})
    lines = [f"{y_title}: %{{y}}", f"{x_title}: %{{x:,.1f}}"]
    lines.append("95% interval %{customdata[0]:,.1f} to %{customdata[1]:,.1f}")
    lines += [
        f"{name}: %{{customdata[{i + 2}]:,}}" for i, name in enumerate((hover or {}).values())
    ]
    values, lows, highs = (frame[column].to_numpy() for column in (value, low, high))
    dots = {
        "type": "scatter",
        "x": frame[value].tolist(),
        "y": frame[label].tolist(),
        "mode": "markers",
        "marker": {"color": OKABE_ITO["blue"], "size": 8},
        "error_x": {
            **_whiskers(values, lows, highs),
            "color": OKABE_ITO["blue"],
            "thickness": 1.5,
            "width": 3,
        },
        # a row per dot, the columns in one common dtype (as the frame's to_numpy gives them)
        "customdata": np.column_stack(
            [lows, highs, *(frame[column].to_numpy() for column in extra)]
        ).tolist(),
        "hovertemplate": "<br>".join(lines) + "<extra></extra>",
        "showlegend": False,
    }
    extra_layout: dict = {
        "yaxis": {"autorange": "reversed", "type": "category"}, "xaxis": dict(_NUMBERS),
    }  # fmt: skip
    if x_range is not None:
        extra_layout["xaxis"]["range"] = list(x_range)
    if reference is not None and pd.notna(reference):
        extra_layout["shapes"] = [
            {
                "type": "line",
                "xref": "x",
                "x0": reference,
                "x1": reference,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": OKABE_ITO["black"], "width": 1.5, "dash": "dash"},
            }
        ]
        extra_layout["margin"] = {"t": 30}  # the line's label sits above the plot
        extra_layout["annotations"] = [
            {
                "xref": "x",
                "x": reference,
                "yref": "paper",
                "y": 1,
                "text": reference_label,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
                "font": {"color": "#222"},
            }
        ]
    summary = _extremes(_measure(x_title), frame[label].tolist(), frame[value].tolist(),
                        _unit(x_title), decimals=1)  # fmt: skip
    if reference is not None and pd.notna(reference) and reference_label:
        summary = f"{summary[:-1]}; {reference_label}."
    return _one_pass_figure(
        [dots],
        title,
        x_title,
        y_title,
        height=max(320, 120 + 20 * len(frame)),
        layout=extra_layout,
        summary=summary,
    )


# plotly.py's viridis as validation spells it out (plotly.js's own "Viridis" has other stops).
_VIRIDIS = [
    [i / (len(sequential.Viridis) - 1), colour] for i, colour in enumerate(sequential.Viridis)
]


def labelled_heatmap(
    frame: pd.DataFrame,
    x: str,
    y: str,
    z: str,
    title: str,
    x_title: str,
    y_title: str,
    z_title: str,
    percent: bool = False,
) -> go.Figure:
    """A grid of z by x and y in the frame's order, each cell labelled with its value (a count,
    or a 0..1 share shown as a percentage), in the viridis scale; empty cells stay blank.

    Raises:
        ValueError: If two rows hold the same cell (as pandas' pivot would).
    """
    x_values, y_values = frame[x].tolist(), frame[y].tolist()
    columns, rows = list(dict.fromkeys(x_values)), list(dict.fromkeys(y_values))
    z_by_cell = dict(zip(zip(y_values, x_values, strict=True), frame[z].tolist(), strict=True))
    if len(z_by_cell) < len(frame):
        raise ValueError(f"labelled_heatmap: more than one {z} for a cell of {y} by {x}")
    number = ".0%" if percent else ",.0f"
    cells = {
        "type": "heatmap",
        "z": [[_heatmap_value(z_by_cell.get((row, column))) for column in columns] for row in rows],
        "x": columns,
        "y": rows,
        "colorscale": _VIRIDIS,
        # the scale in a band under the grid, not beside it: on a phone the grid needs the width
        "colorbar": {
            "title": {"text": z_title, "side": "top"},
            "tickformat": number,
            "orientation": "h",
            "thickness": 12,
            "x": 0,
            "xanchor": "left",
            "y": -0.02,
            "yanchor": "top",
        },
        "texttemplate": f"%{{z:{number}}}",
        "hovertemplate": f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>{z_title}: "
        f"%{{z:{number}}}<extra></extra>",
        "xgap": 1,
        "ygap": 1,
    }
    values = frame[z].tolist()
    summary = _extremes(
        _measure(z_title), [f"{row}, {column}" for row, column in zip(y_values, x_values,
                                                                       strict=True)],
        [v * 100 if percent and not pd.isna(v) else v for v in values],
        "%" if percent else "", 0,
    )  # fmt: skip
    return _one_pass_figure(
        [cells], title, x_title, y_title, height=max(360, 200 + 22 * len(rows)),
        layout={
            "margin": {"t": 10, "b": 10},
            "yaxis": {"autorange": "reversed", "showgrid": False},
            # column labels on top, next to the first rows, each on one line: plotly keeps them
            # level where they fit and turns them upright where they would overlap (on a
            # phone; a label on two lines, turned, met its neighbour)
            "xaxis": {"side": "top", "showgrid": False},
        },
        summary=summary,
    )  # fmt: skip


def _heatmap_value(value: float | None) -> float | None:
    """A heatmap cell (a number, or None where the frame has no row for it) as plotly is sent
    it: a float, or None (not NaN: plotly leaves a None blank) where it is empty."""
    return None if value is None or math.isnan(value) else float(value)


def series_by_group(
    frame: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    title: str,
    x_title: str,
    y_title: str,
    colours: dict[str, str] | None = None,
    kind: str = "lines",
) -> go.Figure:
    """y over x, one series per value of group (in the frame's order), as lines with markers or
    as stacked bars (kind "bars"), built in one step like the other builders of this block."""
    x_values, y_values = frame[x].tolist(), frame[y].tolist()
    traces = []
    for name, rows in _rows_by_group(frame[group].tolist()).items():
        trace = {
            "x": [x_values[i] for i in rows],
            "y": [y_values[i] for i in rows],
            "name": str(name),
            "hovertemplate": f"{name}<br>%{{x}}<br>{y_title}: %{{y:,}}<extra></extra>",
        }
        colour = (colours or {}).get(name, OKABE_ITO["blue"])
        if kind == "bars":
            trace.update(type="bar", marker={"color": colour})
        else:
            trace.update(type="scatter", mode="lines+markers", line={"color": colour, "width": 2})
        traces.append(trace)
    layout = {"barmode": "stack"} if kind == "bars" else {}
    if kind == "bars":
        # keep the frame's order of x (labels such as "Oct–Dec 2022" do not sort as text)
        layout["xaxis"] = {"categoryorder": "array", "categoryarray": list(dict.fromkeys(x_values))}
    layout["yaxis"] = dict(_NUMBERS)
    summary = _series_summary(
        _measure(y_title),
        {trace["name"]: (trace["x"], trace["y"]) for trace in traces},
        _unit(y_title),
    )
    return _one_pass_figure(
        traces, title, x_title, y_title, height=420, layout=layout, summary=summary
    )


def labelled_bar_panels(
    frame: pd.DataFrame,
    panel: str,
    label: str,
    count: str,
    title: str,
    x_title: str,
    panel_titles: dict[str, str],
    share: str | None = None,
    colour: str | None = None,
) -> go.Figure:
    """Small multiples of labelled_bars: one panel of horizontal bars per value of panel (in the
    frame's order, titled from panel_titles), stacked on one shared count scale, so panels that
    split the same total can be compared at a glance. colour names a column of bar colours
    (a label such as "Online" can mean different things in different panels)."""
    rows_by_name = _rows_by_group(frame[panel].tolist())
    counts, labels = frame[count].tolist(), frame[label].tolist()
    shares = frame[share].tolist() if share else None
    bar_colours = frame[colour].tolist() if colour else None
    bar_height, gap = 30, 46  # pixels per bar, and above each panel for its title
    # the first panel's title in the top margin; the scale and its title in the bottom one
    margin = {"t": 24, "b": 60}
    height = (
        sum(margin.values())
        - gap
        + sum(len(rows) * bar_height + gap for rows in rows_by_name.values())
    )
    plot = height - sum(margin.values())
    top = max(float(frame[count].max()), 1.0) * (1.35 if share else 1.2)
    traces, layout = [], {"annotations": [], "showlegend": False, "margin": margin}
    upper = 1.0
    for i, (name, rows) in enumerate(rows_by_name.items(), start=1):
        lower = upper - len(rows) * bar_height / plot
        suffix = "" if i == 1 else str(i)
        panel_counts = [counts[r] for r in rows]
        traces.append({
            "type": "bar", "orientation": "h", "x": panel_counts,
            "y": [labels[r] for r in rows], "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
            "marker": {
                "color": [bar_colours[r] for r in rows] if colour else OKABE_ITO["blue"]
            },
            "text": _count_labels(panel_counts, [shares[r] for r in rows] if share else None),
            "textposition": "auto", "cliponaxis": False,
            "hovertemplate": f"%{{y}}<br>{x_title}: %{{x:,}}<extra></extra>",
        })  # fmt: skip
        last = i == len(rows_by_name)
        layout[f"xaxis{suffix}"] = {
            "anchor": f"y{suffix}", "range": [0, top], "showline": True, "linecolor": "#444",
            "gridcolor": "#eee", "showticklabels": last, **_NUMBERS,
            "title": {"text": x_title if last else ""},
        }  # fmt: skip
        layout[f"yaxis{suffix}"] = {
            "anchor": f"x{suffix}", "domain": [max(lower, 0.0), upper], "autorange": "reversed",
            "showline": True, "linecolor": "#444", "type": "category",
        }  # fmt: skip
        layout["annotations"].append({
            "text": f"<b>{panel_titles.get(name, name)}</b>", "xref": "paper", "x": 0,
            "xanchor": "left", "yref": "paper", "y": upper, "yanchor": "bottom",
            "showarrow": False, "font": {"size": 13},
        })  # fmt: skip
        upper = lower - gap / plot
    largest = []
    for rows in rows_by_name.values():
        biggest = max(rows, key=lambda r: counts[r])
        shown = _number(counts[biggest]) + (f", {shares[biggest]:.0%}" if share else "")
        largest.append(f"{labels[biggest]} ({shown})")
    summary = f"{_measure(x_title)}, the largest of each panel: {'; '.join(largest)}."
    return _one_pass_figure(
        traces, title, x_title, "", height=height, layout=layout, summary=summary
    )


def _one_pass_figure(
    data: list[dict],
    title: str,
    x_title: str,
    y_title: str,
    height: int,
    layout: dict | None = None,
    summary: str = "",
) -> go.Figure:
    """A figure in _style, built from plain dicts in one step (see _figure): plotly would
    validate each add_* and update_* call separately, which costs tens of milliseconds per chart
    on every rerun. layout entries that are dicts are merged into the style's, others replace
    it. summary is the chart's one line in words (kept in meta with the title)."""
    spec = _style(title, x_title, y_title, height)
    spec["meta"]["summary"] = summary
    for key, value in (layout or {}).items():
        if isinstance(value, dict) and isinstance(spec.get(key), dict):
            spec[key] = {**spec[key], **value}
        else:
            spec[key] = value
    return _figure(data, spec)


def funnel_plot_focused(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    x: str,
    y: str,
    label: str,
    target: float,
    title: str,
    x_title: str,
    y_title: str,
    highlight: str | None = None,
    target_label: str = "",
    y_format: str = ".1f",
) -> go.Figure:
    """funnel_plot with the highlighted unit named beside its marker and in the legend, the
    target line labelled, and the size axis on a log scale (forces range from about a thousand
    officers to over thirty thousand, so on a linear axis most would crowd at its left end)."""
    traces, layout = _funnel_plot_parts(
        points, limits, x, y, label, target, x_title, y_title, highlight
    )
    traces[-1].update(  # the forces' markers
        name="other forces",
        showlegend=True,
        hovertemplate="%{text}<br>" + f"{x_title}: %{{x:,.0f}}<br>{y_title}: %{{y:{y_format}}}"
        "<extra></extra>",
    )
    labels = points[label].to_numpy()
    # the highlighted unit's rows (one, unless its name is repeated: the first is labelled)
    chosen = [i for i, name in enumerate(labels.tolist()) if name == highlight] if highlight else []
    if chosen:
        sizes, rates = points[x].to_numpy(), points[y].to_numpy()
        size, rate = float(sizes[chosen[0]]), float(rates[chosen[0]])
        if size > 0 and math.isfinite(rate):
            # named in a boxed label pulled away from the points (text set on the marker itself
            # overlapped its neighbours), towards the side with room: the largest forces sit at
            # the right edge. On a log axis an annotation's x is the log10 of the value.
            right_half = size >= points[x].median()
            layout["annotations"] = [{
                "x": math.log10(size), "y": rate, "xref": "x", "yref": "y",
                "text": f"<b>{labels[chosen[0]]}</b>", "showarrow": True, "arrowhead": 0,
                "arrowcolor": OKABE_ITO["vermillion"], "ax": -60 if right_half else 60,
                "ay": -40, "bgcolor": "rgba(255, 255, 255, 0.9)",
                "bordercolor": OKABE_ITO["vermillion"], "borderpad": 3,
                "font": {"color": OKABE_ITO["vermillion"], "size": 14},
            }]  # fmt: skip
        traces.append({
            "type": "scatter",
            "x": sizes[chosen],
            "y": rates[chosen],
            "mode": "markers",
            "text": labels[chosen],
            "marker": {
                "color": OKABE_ITO["vermillion"],
                "size": 13,
                "symbol": "diamond",
                "line": {"color": "white", "width": 1.5},
            },
            "name": str(highlight),
            "hovertemplate": "%{text}<br>" + f"{x_title}: %{{x:,.0f}}<br>{y_title}: "
            f"%{{y:{y_format}}}<extra></extra>",
        })  # fmt: skip
    if target_label:
        # the target line named in the legend (a label on the plot would cover forces' points)
        traces.append({
            "type": "scatter",
            "x": [limits[x].min(), limits[x].max()],
            "y": [target, target],
            "mode": "lines",
            "line": {"color": OKABE_ITO["black"], "width": 1},
            "name": target_label,
            "hoverinfo": "skip",
        })  # fmt: skip
    sizes = [value for value in [*points[x].tolist(), *limits[x].tolist()] if value > 0]
    layout["xaxis"] = {
        "type": "log", "tickvals": _log_ticks(min(sizes, default=0), max(sizes, default=0)),
        **_NUMBERS,
    }  # fmt: skip
    layout["yaxis"] = dict(_NUMBERS)
    summary = _funnel_summary(points, y, label, y_title, highlight, target_label)
    return _one_pass_figure(
        traces, title, x_title, y_title, height=540, layout=layout, summary=summary
    )


STAGE_PANEL_SPACING = 0.16  # between stage_shares' panels side by side, as a share of the width


def stage_shares(
    frame: pd.DataFrame,
    stage: str,
    group: str,
    share: str,
    title: str,
    y_title: str,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Small multiples: one panel per group, its share (in %) of each stage as bars labelled
    with the value. Each panel has its own scale from 0, so a small group's change shows."""
    rows_by_name = _rows_by_group(frame[group].tolist())
    stages, shares = frame[stage].tolist(), frame[share].to_numpy()
    groups = list(rows_by_name)
    # two panels a row, wide apart: on a phone a third panel left no room for any panel's
    # scale and its stages' names
    columns = 2
    rows = -(-len(groups) // columns)
    cells = _subplot_grid(rows, columns, STAGE_PANEL_SPACING, 0.22 if rows > 1 else 0.1)
    # the top row's panel titles sit above the plot
    traces, layout, tops = [], {"annotations": [], "margin": {"t": 30}}, []
    for index, name in enumerate(groups):
        x_domain, y_domain = cells[index]
        suffix = "" if index == 0 else str(index + 1)
        group_rows = rows_by_name[name]
        group_shares = shares[group_rows]
        # the largest share, NaN only if there is none (as pandas' max skips NaN)
        tops.append(np.fmax.reduce(group_shares))
        traces.append({
            "type": "bar",
            "x": [str(stages[i]).replace(" ", "<br>", 1) for i in group_rows],
            "y": group_shares,
            "text": [f"{v:.1f}%" if pd.notna(v) else "–" for v in group_shares.tolist()],
            "textposition": "outside",
            "cliponaxis": False,
            "marker": {"color": (colours or {}).get(name, OKABE_ITO["blue"])},
            "name": str(name),
            "showlegend": False,
            "hovertemplate": f"{name}<br>%{{x}}: %{{y:.1f}}%<extra></extra>",
            "xaxis": f"x{suffix}",
            "yaxis": f"y{suffix}",
        })  # fmt: skip
        # the panel's title above it, as make_subplots places subplot titles
        layout["annotations"].append({
            "y": y_domain[1], "xref": "paper", "x": sum(x_domain) / 2.0, "yref": "paper",
            "text": name, "showarrow": False, "font": {"size": 16}, "xanchor": "center",
            "yanchor": "bottom",
        })  # fmt: skip
    for index, (x_domain, y_domain) in enumerate(cells):
        suffix = "" if index == 0 else str(index + 1)
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": x_domain, **_AXIS}
        layout[f"yaxis{suffix}"] = {
            "anchor": f"x{suffix}", "domain": y_domain, **_AXIS, "rangemode": "tozero",
            "ticksuffix": "%",
        }  # fmt: skip
        if index % columns == 0:
            layout[f"yaxis{suffix}"]["title"] = {"text": y_title}
        top = tops[index] if index < len(groups) else None  # cells past the last are empty
        if pd.notna(top) and top > 0:
            layout[f"yaxis{suffix}"]["range"] = [0, top * 1.25]
    steps = list(dict.fromkeys(stages))
    shifts = ", ".join(
        f"{name} {_number(shares[rows_by_name[name][0]], 1, '%')} to "
        f"{_number(shares[rows_by_name[name][-1]], 1, '%')}"
        for name in groups
    )
    summary = f"{_measure(y_title)}, from {steps[0]} to {steps[-1]}: {shifts}." if groups else ""
    return _one_pass_figure(
        traces, title, "", y_title, height=300 * rows + 80, layout=layout, summary=summary
    )


def _subplot_grid(
    rows: int, columns: int, horizontal_spacing: float, vertical_spacing: float
) -> list[tuple[list[float], list[float]]]:
    """The (x domain, y domain) of each cell of a grid of panels, row by row from the top left,
    as plotly.subplots.make_subplots computes them (the same floating-point steps, so the same
    numbers) without building its validated figure."""
    width = (1.0 - horizontal_spacing * (columns - 1)) / columns
    height = (1.0 - vertical_spacing * (rows - 1)) / rows
    widths, heights = [width] * columns, [height] * rows
    cells = []
    for row in range(rows):
        # make_subplots counts rows up from the bottom, and rounds a float error just outside
        # 0..1 back into it
        below = rows - 1 - row
        y_start = sum(heights[:below]) + below * vertical_spacing
        y_end = y_start + heights[-1 - row]
        y_domain = [min(max(y_start, 0.0), 1.0), min(max(y_end, 0.0), 1.0)]
        for column in range(columns):
            x_start = sum(widths[:column]) + column * horizontal_spacing
            cells.append(([max(0.0, x_start), min(1.0, x_start + widths[column])], [*y_domain]))
    return cells


# Lines for groups with no colour of their own (forces): Okabe-Ito without yellow and grey,
# which are hard to see as thin lines on white.
SERIES_COLOURS = [
    OKABE_ITO[name]
    for name in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue")
] + ["#6A3D9A", "#8C564B"]


def survival_steps(
    curves: pd.DataFrame,
    marks: pd.DataFrame,
    title: str,
    x_title: str,
    y_title: str,
    colours: dict[str, str] | None = None,
    reference: str | None = None,
) -> go.Figure:
    """Kaplan-Meier step curves of the share still open (0..1) against days, one per group, with
    each group's median and 90th percentile marked where the curve falls to 0.5 and 0.1.

    curves has group, day, survival (and survival_low, survival_high: drawn as a band when there
    is one group; at_risk: shown in the hover); marks has group, median_days, p90_days (NaN where
    never reached; a group's first row counts). The reference group, if given, is drawn as a
    black dashed line behind the others.
    """
    rows_by_name = _rows_by_group(curves["group"].tolist())
    groups = list(rows_by_name)
    spare = iter(SERIES_COLOURS * 2)
    palette = {
        name: OKABE_ITO["black"]
        if name == reference
        else (colours or {}).get(name) or (OKABE_ITO["blue"] if len(groups) == 1 else next(spare))
        for name in groups
    }
    shapes, annotations = [], []
    for share, text in ((0.5, "half still open"), (0.1, "one in ten still open")):
        shapes.append(_hline(share, {"color": NEUTRAL, "width": 1, "dash": "dot"}))
        # the line's label under its right end: the median and 90th percentile labels sit
        # above the line, and on a phone the two met
        annotations.append({
            "text": text, "xref": "x domain", "x": 1, "xanchor": "right", "yref": "y",
            "y": share, "yanchor": "top", "showarrow": False, "font": {"color": "#555"},
            "bgcolor": "rgba(255,255,255,0.85)",
        })  # fmt: skip
    # each column taken once, as floats (the curves are sent as compact binary float arrays)
    columns = {
        column: curves[column].to_numpy(dtype=float)
        for column in ("day", "survival", "survival_low", "survival_high")
        if column in curves
    }
    with_band = len(groups) == 1 and "survival_low" in columns and "survival_high" in columns
    at_risk = curves["at_risk"].to_numpy() if "at_risk" in curves else None
    days_marked = _days_marked(marks)
    traces = []
    for name in groups:
        drawn = _step_rows(columns["survival"], rows_by_name[name])
        colour = palette[name]
        if with_band:
            traces.append(_survival_band(columns, drawn, colour))
        style = {
            "color": colour,
            "shape": "hv",
            "width": 2.5 if name != reference else 2,
            "dash": "dash" if name == reference and len(groups) > 1 else "solid",
        }
        traces.append(_survival_curve(name, columns, drawn, style, at_risk))
        median, p90 = days_marked.get(name, (None, None))
        points = [
            (day, share, label)
            for day, share, label in ((median, 0.5, "median"), (p90, 0.1, "90th percentile"))
            if pd.notna(day)
        ]
        if not points:
            continue
        traces.append(_survival_marks(name, points, colour))
        if len(groups) == 1:
            for day, share, label in points:
                annotations.append({
                    "x": day, "y": share, "text": f"{label}: {day:,.0f} days",
                    "showarrow": False, "xanchor": "left", "yanchor": "bottom", "xshift": 6,
                    "yshift": 4, "bgcolor": "rgba(255,255,255,0.85)", "font": {"color": "#222"},
                })  # fmt: skip
    layout = {
        "shapes": shapes,
        "annotations": annotations,
        "yaxis": {"range": [0, 1.02], "tickformat": ".0%", "rangemode": "normal"},
        "xaxis": {"rangemode": "tozero", **_NUMBERS},
    }
    return _one_pass_figure(
        traces, title, x_title, y_title, height=480, layout=layout,
        summary=_survival_summary(groups, days_marked),
    )  # fmt: skip


def _survival_summary(groups: list, days_marked: dict) -> str:
    """survival_steps' summary: the day by which half of each group's cases had ended."""
    parts = []
    for name in groups:
        median = days_marked.get(name, (None, None))[0]
        reached = median is not None and pd.notna(median)
        parts.append(f"{name} {'day ' + _number(median, 0) if reached else 'not yet'}")
    return f"Half of the cases had ended by: {', '.join(parts)}."


def _step_rows(survival: np.ndarray, rows: list[int]) -> np.ndarray:
    """The rows of one step curve that are drawn: its first and last, and each where the share
    still open changes (a step line only changes where cases end: days with censoring alone
    add nothing drawn)."""
    rows = np.asarray(rows)
    values = survival[rows]
    drawn = np.ones(len(values), dtype=bool)
    drawn[1:] = values[1:] != values[:-1]
    drawn[-1] = True
    return rows[drawn]


def _days_marked(marks: pd.DataFrame) -> dict:
    """Each group's (median_days, p90_days), from its first row in marks."""
    days = {}
    for name, median, p90 in zip(
        marks["group"].tolist(), marks["median_days"].tolist(), marks["p90_days"].tolist(),
        strict=True,
    ):  # fmt: skip
        days.setdefault(name, (median, p90))
    return days


def _survival_band(columns: dict[str, np.ndarray], drawn: np.ndarray, colour: str) -> dict:
    """The shaded 95% interval around a step curve: along its top, then back along its bottom
    (arrays rather than lists: plotly sends them to the browser as compact binary)."""
    day, low, high = (columns[column][drawn] for column in ("day", "survival_low", "survival_high"))
    return {
        "type": "scatter",
        "x": np.concatenate([day, day[::-1]]),
        "y": np.concatenate([high, low[::-1]]),
        "fill": "toself",
        "fillcolor": colour,
        "opacity": 0.15,
        "line": {"width": 0, "shape": "hv"},
        "hoverinfo": "skip",
        "name": "95% interval",
    }


def _survival_curve(
    name: str,
    columns: dict[str, np.ndarray],
    drawn: np.ndarray,
    style: dict,
    at_risk: np.ndarray | None,
) -> dict:
    """One group's step curve, with the number still open at the start of each day in the hover
    where at_risk (the column for every row of curves) is given."""
    hover = f"{name}<br>Day %{{x:,}}: %{{y:.0%}} still open"
    if at_risk is not None:
        hover += "<br>%{customdata[0]:,} still open at the start of the day"
    curve = {
        "type": "scatter",
        "x": columns["day"][drawn],
        "y": columns["survival"][drawn],
        "mode": "lines",
        "name": str(name),
        "line": style,
        "hovertemplate": hover + "<extra></extra>",
    }
    if at_risk is not None:
        curve["customdata"] = at_risk[drawn].reshape(-1, 1)  # a row per point: customdata[0]
    return curve


def _survival_marks(name: str, points: list[tuple], colour: str) -> dict:
    """Diamonds on a group's curve at its median and 90th percentile: points holds
    (day, share still open, label) for each that is reached."""
    return {
        "type": "scatter",
        "x": [day for day, _, _ in points],
        "y": [share for _, share, _ in points],
        "mode": "markers",
        "marker": {"color": colour, "size": 10, "symbol": "diamond",
                   "line": {"color": "white", "width": 1}},
        "text": [f"{label}: {day:,.0f} days" for day, _, label in points],
        "hovertemplate": f"{name}<br>%{{text}}<extra></extra>",
        "showlegend": False,
    }  # fmt: skip
