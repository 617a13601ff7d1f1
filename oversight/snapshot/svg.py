"""Tiny static charts as inline SVG text, for the printable report (snapshot.html).

No scripts, no external references (not even an xmlns: inline SVG in HTML needs none), and
deterministic: the same input gives the same text, coordinates written to one decimal place.
Each chart is an image to assistive technology (role="img") named by its <title> and described
by its <desc>; every text is escaped. Colours are the caller's (the dashboard's palette).
The builders know nothing of snapshots: values are numbers, or None where nothing is drawn.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif"
FONT_SIZE = 12
TEXT_COLOUR = "#222222"
AXIS_COLOUR = "#444444"
GRID_COLOUR = "#e3e3e3"
WHISKER_COLOUR = "#333333"
# An average glyph's width as a share of the font size, to size the room for labels.
GLYPH_WIDTH = 0.56
# A white outline behind a text, so that it stays legible over a line.
HALO = {"stroke": "#ffffff", "stroke_width": "3", "paint_order": "stroke"}
LONGEST_LABEL = 40  # characters; longer bar labels are cut, the full text kept in a tooltip


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name in the legend, colour, values (None: not drawn),
    marker ("circle" or "square") and whether the line is dashed (so that colour is not the
    only difference between lines)."""

    name: str
    colour: str
    values: tuple[float | None, ...]
    marker: str = "circle"
    dashed: bool = False


def _n(value: float) -> str:
    """A coordinate, to one decimal place, without a trailing ".0" or a negative zero."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * GLYPH_WIDTH


def _cut(text: str, limit: int = LONGEST_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def count_label(value: float) -> str:
    """A whole number with thousands separators."""
    return f"{value:,.0f}"


def nice_ticks(maximum: float, target: int = 5, whole: bool = True) -> list[float]:
    """Axis ticks from 0 to a round number at or above maximum, about target steps of 1, 2,
    2.5 or 5 times a power of ten (whole numbers only when whole)."""
    if not maximum or maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(f * magnitude for f in factors if raw <= f * magnitude * (1 + 1e-9))
    if whole:
        step = max(step, 1.0)
    steps = math.ceil(maximum / step - 1e-9)
    return [i * step for i in range(steps + 1)]


def _tick_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _open(chart_id: str, title: str, desc: str, width: float, height: float) -> list[str]:
    return [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'font-family="{escape(FONT_FAMILY)}" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
    ]


def _text(x: float, y: float, text: str, anchor: str = "start", **attributes: str) -> str:
    extra = "".join(
        f' {key.replace("_", "-")}="{escape(value)}"' for key, value in attributes.items()
    )
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _marker(kind: str, x: float, y: float, colour: str, tooltip: str) -> str:
    tip = f"<title>{escape(tooltip)}</title>"
    if kind == "square":
        return (
            f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7" fill="{colour}">'
            f"{tip}</rect>"
        )
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{colour}">{tip}</circle>'


def series_text(
    series: Sequence[Series], names: Sequence[str], value_label: Callable[[float], str],
    missing: str,
) -> str:  # fmt: skip
    """Every line's values in words, for a line chart's description: "Phone: Apr 2025 12,
    May 2025 9; Online: ..." (missing for a value not drawn)."""
    return "; ".join(
        f"{line.name}: "
        + ", ".join(
            f"{name} {missing if value is None else value_label(value)}"
            for name, value in zip(names, line.values, strict=True)
        )
        for line in series
    )


def _legend_line(x: float, y: float, series: Series) -> list[str]:
    dash = ' stroke-dasharray="6 4"' if series.dashed else ""
    return [
        f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 28)}" y2="{_n(y)}" '
        f'stroke="{series.colour}" stroke-width="2.5"{dash}/>',
        _marker(series.marker, x + 14, y, series.colour, series.name),
        _text(x + 34, y + 4, series.name),
    ]


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    x_title: str,
    y_title: str,
    point_names: Sequence[str] | None = None,
    value_label: Callable[[float], str] = count_label,
    width: float = 720,
    height: float = 340,
) -> str:
    """Lines over evenly spaced x positions (months), one per series, with a legend above.

    Args:
        x_labels: One per position; "" leaves a position unlabelled, a "\\n" starts a second
            line (a year under a month).
        point_names: One per position, for the tooltips (defaults to x_labels on one line).
        value_label: Formats a value for the tick labels' neighbours and the tooltips.

    A None value is not drawn: the line stops before it and starts again after it.
    """
    count = len(x_labels)
    names = list(point_names or [label.replace("\n", " ") for label in x_labels])
    drawn = [v for s in series for v in s.values if v is not None]
    ticks = nice_ticks(max(drawn, default=0))
    tick_width = max(_text_width(_tick_label(t)) for t in ticks)
    left, right, top = 34 + tick_width, width - 16, 44
    bottom = height - 62
    plot_width, plot_height = right - left, bottom - top
    band = plot_width / max(count, 1)

    def x_at(i: int) -> float:
        return left + band * (i + 0.5)

    def y_at(value: float) -> float:
        return bottom - plot_height * value / ticks[-1]

    parts = _open(chart_id, title, desc, width, height)
    # legend, above the plot
    x = left
    for line in series:
        parts += _legend_line(x, 16, line)
        x += 34 + _text_width(line.name) + 24
    # grid, ticks and axes
    for tick in ticks:
        y = y_at(tick)
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, _tick_label(tick), "end"))
    parts.append(
        f'<line x1="{_n(left)}" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(bottom)}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    for i, label in enumerate(x_labels):
        if not label:
            continue
        x = x_at(i)
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(bottom)}" x2="{_n(x)}" y2="{_n(bottom + 5)}" '
            f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
        )
        for row, piece in enumerate(label.split("\n")):
            parts.append(_text(x, bottom + 19 + 14 * row, piece, "middle"))
    parts.append(_text(left + plot_width / 2, height - 8, x_title, "middle", font_weight="bold"))
    y_middle = top + plot_height / 2
    parts.append(
        f'<text x="14" y="{_n(y_middle)}" text-anchor="middle" font-weight="bold" '
        f'transform="rotate(-90 14 {_n(y_middle)})">{escape(y_title)}</text>'
    )
    # lines, broken where a value is not drawn, then their markers
    for line in series:
        segments, current = [], []
        for i, value in enumerate(line.values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{_n(x_at(i))},{_n(y_at(value))}")
        if current:
            segments.append(current)
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{line.colour}" '
                    f'stroke-width="2.5" stroke-linejoin="round"{dash}/>'
                )
        for i, value in enumerate(line.values):
            if value is not None:
                tooltip = f"{line.name}, {names[i]}: {value_label(value)}"
                parts.append(_marker(line.marker, x_at(i), y_at(value), line.colour, tooltip))
    parts.append("</svg>")
    return "\n".join(parts)


@dataclass(frozen=True)
class Reference:
    """A vertical dashed line across a bar chart at value, labelled above the bars."""

    label: str
    value: float
    colour: str


@dataclass(frozen=True)
class LegendItem:
    """A legend entry: kind "bar", "whisker" or "dashed" (a reference line)."""

    kind: str
    colour: str
    label: str


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    value_texts: Sequence[str],
    x_title: str,
    colour: str,
    upper: Sequence[float | None] | None = None,
    reference: Reference | None = None,
    legend: Sequence[LegendItem] = (),
    whole_ticks: bool = False,
    width: float = 720,
    row_height: float = 22,
) -> str:
    """Horizontal bars from 0 to each value, in the order given, each labelled with its text.

    Args:
        values: One per bar; None draws no bar (a suppressed value), only its label and text.
        labels: One per bar, on its left (cut to LONGEST_LABEL characters; the full label is
            in the bar's tooltip).
        value_texts: One per bar, written after the bar (or after its whisker).
        upper: Optional whisker ends, one per bar (None: no whisker), e.g. a 90th percentile.
        reference: Optional dashed line across the bars (e.g. a national rate).
        legend: Optional legend entries, drawn above the bars.
    """
    count = len(labels)
    whiskers = list(upper) if upper is not None else [None] * count
    shown = [_cut(label) for label in labels]
    ends = [
        max(x for x in (v, w) if x is not None) if (v, w) != (None, None) else 0
        for v, w in zip(values, whiskers, strict=True)
    ]
    extent = max(ends + ([reference.value] if reference else []), default=0)
    ticks = nice_ticks(extent, whole=whole_ticks)
    label_width = max((_text_width(text) for text in shown), default=0)
    text_room = max((_text_width(text) for text in value_texts), default=0) + 12
    left = 12 + label_width + 10
    right = width - 12 - text_room
    top = 12 + (26 if legend else 0) + (22 if reference else 0)
    bottom = top + row_height * count
    height = bottom + 52
    plot_width = right - left

    def x_at(value: float) -> float:
        return left + plot_width * value / ticks[-1]

    parts = _open(chart_id, title, desc, width, height)
    x = left
    for item in legend:
        y = 14
        if item.kind == "bar":
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(y - 6)}" width="22" height="12" fill="{item.colour}"/>'
            )
        elif item.kind == "whisker":
            parts.append(
                f'<line x1="{_n(x)}" y1="{_n(y)}" x2="{_n(x + 22)}" y2="{_n(y)}" '
                f'stroke="{item.colour}" stroke-width="1.5"/>'
                f'<line x1="{_n(x + 22)}" y1="{_n(y - 6)}" x2="{_n(x + 22)}" y2="{_n(y + 6)}" '
                f'stroke="{item.colour}" stroke-width="1.5"/>'
            )
        else:
            parts.append(
                f'<line x1="{_n(x + 11)}" y1="{_n(y - 8)}" x2="{_n(x + 11)}" y2="{_n(y + 8)}" '
                f'stroke="{item.colour}" stroke-width="2" stroke-dasharray="5 3"/>'
            )
        parts.append(_text(x + 28, y + 4, item.label))
        x += 28 + _text_width(item.label) + 24
    for tick in ticks:
        tick_x = x_at(tick)
        parts.append(
            f'<line x1="{_n(tick_x)}" y1="{_n(top)}" x2="{_n(tick_x)}" y2="{_n(bottom)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(_text(tick_x, bottom + 16, _tick_label(tick), "middle"))
    parts.append(
        f'<line x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(bottom)}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{_n(left)}" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append(_text(left + plot_width / 2, height - 10, x_title, "middle", font_weight="bold"))
    bar_height = row_height * 0.66
    texts = []  # drawn last, over the bars and the reference line
    for i in range(count):
        middle = top + row_height * (i + 0.5)
        bar_end = x_at(values[i]) if values[i] is not None else left
        if values[i] is not None:
            parts.append(
                f"<g><title>{escape(labels[i])}: {escape(value_texts[i])}</title>"
                f'<rect x="{_n(left)}" y="{_n(middle - bar_height / 2)}" '
                f'width="{_n(bar_end - left)}" height="{_n(bar_height)}" fill="{colour}"/></g>'
            )
        text_x = bar_end
        if whiskers[i] is not None and values[i] is not None:
            whisker_end = x_at(whiskers[i])
            parts.append(
                f'<line x1="{_n(bar_end)}" y1="{_n(middle)}" x2="{_n(whisker_end)}" '
                f'y2="{_n(middle)}" stroke="{WHISKER_COLOUR}" stroke-width="1.5"/>'
                f'<line x1="{_n(whisker_end)}" y1="{_n(middle - 6)}" x2="{_n(whisker_end)}" '
                f'y2="{_n(middle + 6)}" stroke="{WHISKER_COLOUR}" stroke-width="1.5"/>'
            )
            text_x = max(bar_end, whisker_end)
        texts.append(_text(left - 8, middle + 4, shown[i], "end"))
        # a white halo keeps a value legible where the reference line crosses it
        texts.append(_text(text_x + 6, middle + 4, value_texts[i], **HALO))
    if reference is not None:
        ref_x = x_at(reference.value)
        parts.append(
            f'<line x1="{_n(ref_x)}" y1="{_n(top - 6)}" x2="{_n(ref_x)}" y2="{_n(bottom)}" '
            f'stroke="{reference.colour}" stroke-width="2" stroke-dasharray="5 3"/>'
        )
        label_width = _text_width(reference.label)
        # keep the label inside the drawing: centred on the line where there is room
        label_x = min(max(ref_x - label_width / 2, 4), width - 4 - label_width)
        parts.append(_text(label_x, top - 10, reference.label, font_weight="bold"))
    parts += texts
    parts.append("</svg>")
    return "\n".join(parts)
