"""A map of the 43 police force areas of England and Wales as inline SVG: a choropleth drawn
from the shipped ONS boundaries with numpy alone, so that it needs no tile server, no script and
no network (the dashboard, the snapshot and a printed briefing can all carry it)."""

import functools
import math
from collections.abc import Collection, Mapping
from html import escape

import numpy as np

from oversight.disclosure import SUPPRESSED
from oversight.geo import force_areas

# The attribution the Open Government Licence asks for, as data/reference/SOURCES.md gives it
ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2023."
)
# Viridis, the palette of the dashboard's heat maps (colour-blind safe, even steps of lightness),
# at 0, 1/4, 1/2, 3/4 and 1: dark purple for the lowest class to yellow for the highest, as there
CLASS_COLOURS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
NO_FIGURE_COLOUR = "#d4d4d4"
HATCH_COLOUR = "#595959"
TEXT_COLOUR = "#1a1a1a"
CLASSES = 5

# Transverse Mercator on a sphere, central meridian 2°W as the British National Grid has it, so
# that England and Wales keep their familiar shape; units are kilometres.
EARTH_RADIUS_KM = 6371.0
CENTRAL_MERIDIAN = -2.0
# Douglas-Peucker tolerance: 0.3 km is under one screen pixel at the widths the map is shown
# at (about 600 km across 600 px), and ONS's boundaries are already generalised to 200 m.
TOLERANCE_KM = 0.3
# Islands and fragments smaller than this are left out (a force's largest part never is)
SMALLEST_PART_KM2 = 1.0
MARGIN = 10.0
LEGEND_FONT = 19.0
LEGEND_ROW = 26.0


def project(lon_lat: np.ndarray) -> np.ndarray:
    """Longitude/latitude (degrees) to transverse Mercator kilometres (x east, y north)."""
    lam = np.radians(lon_lat[:, 0] - CENTRAL_MERIDIAN)
    phi = np.radians(lon_lat[:, 1])
    x = EARTH_RADIUS_KM * np.arctanh(np.cos(phi) * np.sin(lam))
    y = EARTH_RADIUS_KM * np.arctan2(np.tan(phi), np.cos(lam))
    return np.column_stack([x, y])


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker on an open line: the points that keep it within tolerance."""
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        a, b = points[start], points[end]
        inner = points[start + 1 : end]
        along = b - a
        length = math.hypot(*along)
        if length == 0:
            apart = np.hypot(*(inner - a).T)
        else:
            apart = np.abs(along[0] * (inner[:, 1] - a[1]) - along[1] * (inner[:, 0] - a[0]))
            apart = apart / length
        farthest = int(np.argmax(apart))
        if apart[farthest] > tolerance:
            middle = start + 1 + farthest
            keep[middle] = True
            stack += [(start, middle), (middle, end)]
    return points[keep]


def _simplify_ring(ring: np.ndarray, tolerance: float) -> np.ndarray:
    # a closed ring is simplified as two lines between its first point and the point farthest
    # from it, so that neither end of the split moves
    ring = ring[:-1] if np.array_equal(ring[0], ring[-1]) else ring
    far = int(np.argmax(np.hypot(*(ring - ring[0]).T)))
    first = simplify(ring[: far + 1], tolerance)
    second = simplify(np.vstack([ring[far:], ring[:1]]), tolerance)
    return np.vstack([first, second[1:-1]])


def _shoelace(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2


def _projected_parts(geometry: dict) -> list[list[np.ndarray]]:
    """A geometry's polygons (outer ring, then holes) in projected km, small parts dropped."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    parts = [[project(np.asarray(ring, dtype=float)) for ring in rings] for rings in polygons]
    sizes = [_shoelace(rings[0]) for rings in parts]
    largest = int(np.argmax(sizes))
    return [
        rings
        for i, (rings, size) in enumerate(zip(parts, sizes, strict=True))
        if i == largest or size >= SMALLEST_PART_KM2
    ]


def _path(parts: list[list[np.ndarray]], origin: tuple[float, float]) -> str:
    """SVG path data: absolute first point of each ring, then relative moves, one decimal."""
    left, top = origin
    commands = []
    for rings in parts:
        for ring in rings:
            if len(ring) > 3 and _shoelace(ring) < SMALLEST_PART_KM2:
                continue  # a hole too small to see
            simple = _simplify_ring(ring, TOLERANCE_KM)
            # screen coordinates (y down) counted in tenths of a kilometre, as whole numbers,
            # so that the relative steps add up exactly
            tenths = np.rint(
                np.column_stack([simple[:, 0] - left, top - simple[:, 1]]) * 10
            ).astype(int)
            steps = np.diff(tenths, axis=0)
            steps = steps[(steps != 0).any(axis=1)]
            if len(steps) < 2:
                continue
            start = f"M{_tenths(tenths[0, 0])} {_tenths(tenths[0, 1])}"
            moves = "".join(f"{_signed(dx)}{_signed(dy)}" for dx, dy in steps)
            commands.append(f"{start}l{moves.lstrip(' ')}z")
    return "".join(commands)


def _tenths(value: int) -> str:
    """A whole number of tenths as the shortest decimal text: 25 -> "2.5", -3 -> "-.3"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def _signed(value: int) -> str:
    # a minus sign separates numbers by itself; a positive number needs a space before it
    text = _tenths(value)
    return text if text.startswith("-") else f" {text}"


def class_edges(values: Collection[float], decimals: int = 1) -> list[float]:
    """The edges of up to five classes, each holding about a fifth of the values (quintiles),
    rounded as the figures are shown: from the smallest value shown to the largest, so that the
    classes cover every value."""
    if not values:
        return []
    # Python's round, as class_of and the figures' text round (correctly, unlike np.round)
    shown = sorted(round(float(v), decimals) for v in values)
    inner = np.quantile(shown, np.linspace(0, 1, CLASSES + 1)[1:-1])
    edges = sorted({shown[0], shown[-1], *(round(float(q), decimals) for q in inner)})
    return edges if len(edges) > 1 else [edges[0], edges[0]]


def class_of(value: float, edges: list[float], decimals: int = 1) -> int:
    """The class (0 = lowest) of a value as shown: a value on an edge goes in the lower class."""
    shown = round(value, decimals)
    for i, edge in enumerate(edges[1:]):
        if shown <= edge:
            return i
    raise ValueError(f"{value} is above the classes' highest edge {edges[-1]}")


def class_colours(count: int) -> list[str]:
    """count colours from CLASS_COLOURS, spread from its first (lowest class) to its last."""
    if count == 1:
        return [CLASS_COLOURS[2]]
    picks = np.rint(np.linspace(0, len(CLASS_COLOURS) - 1, count)).astype(int)
    return [CLASS_COLOURS[i] for i in picks]


def _number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


@functools.cache
def _outlines() -> tuple[dict[str, str], float, float]:
    """Each force area's SVG path data, and the map's width and height: the same for every map,
    so worked out once per process (simplifying the boundaries took a third of a busy server's
    time when every rerun of the Reports page did it)."""
    parts = {code: _projected_parts(geometry) for code, geometry in force_areas().items()}
    everything = np.vstack([ring for p in parts.values() for rings in p for ring in rings])
    left, bottom = everything.min(axis=0) - MARGIN
    right, top = everything.max(axis=0) + MARGIN
    paths = {code: _path(p, (left, top)) for code, p in parts.items()}
    return paths, right - left, top - bottom


def force_map_svg(
    values: Mapping[str, float | None],
    labels: Mapping[str, str],
    title: str,
    unit: str,
    withheld: Collection[str] = (),
    *,
    decimals: int = 1,
    id_prefix: str = "forcemap",
) -> str:
    """A choropleth of the force areas of England and Wales as an SVG string.

    Args:
        values: figure by force_code (None, or absent: no figure); codes without a force area
            (Police Scotland, PSNI, the national forces) are not drawn: list them beside the map.
        labels: the force names to show, by force_code.
        title: what the map shows, read out by screen readers with the summary.
        unit: the figure's unit, for the legend and each area's title.
        withheld: force_codes whose figure is withheld ([c]): hatched, with a legend entry.
        decimals: decimals shown for the figures and the class edges.
        id_prefix: prefix of the ids inside the SVG, unique for each map on one page.
    """
    areas = force_areas()
    withheld = set(withheld)
    figures = {
        code: float(values[code])
        for code in areas
        if code not in withheld and values.get(code) is not None
    }
    edges = class_edges(list(figures.values()), decimals)
    colours = class_colours(len(edges) - 1) if figures else []

    outlines, width, height = _outlines()

    def name(code: str) -> str:
        return labels.get(code, code)

    paths = []
    for code in sorted(areas, key=name):
        if code in withheld:
            fill, shown = f"url(#{id_prefix}-hatch)", f"{SUPPRESSED} withheld"
        elif code in figures:
            fill = colours[class_of(figures[code], edges, decimals)]
            shown = f"{_number(figures[code], decimals)} {unit}"
        else:
            fill, shown = NO_FIGURE_COLOUR, "no figure"
        paths.append(
            f'<path d="{outlines[code]}" fill="{fill}" '
            f'data-force="{escape(code)}"><title>{escape(name(code))}: {escape(shown)}</title>'
            "</path>"
        )

    legend = _legend(edges, colours, unit, decimals, id_prefix, bool(withheld),
                     any(c not in figures and c not in withheld for c in areas))  # fmt: skip
    summary = _summary(figures, withheld, areas, name, unit, decimals)
    view = f"0 0 {width:.0f} {height:.0f}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        'preserveAspectRatio="xMidYMid meet" style="width:100%;height:auto;max-width:560px" '
        'font-family="inherit">'
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc">{escape(summary)}</desc>'
        f'<defs><pattern id="{id_prefix}-hatch" patternUnits="userSpaceOnUse" width="4" '
        f'height="4" patternTransform="rotate(45)"><rect width="4" height="4" fill="#ffffff"/>'
        f'<rect width="1.5" height="4" fill="{HATCH_COLOUR}"/></pattern></defs>'
        f'<g stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round">{"".join(paths)}</g>'
        f"{legend}</svg>"
    )


def _legend(
    edges: list[float],
    colours: list[str],
    unit: str,
    decimals: int,
    id_prefix: str,
    any_withheld: bool,
    any_missing: bool,
) -> str:
    """The key, over the Irish Sea (the empty top-left corner of the map), in the viewBox's
    units (kilometres)."""
    font, row = LEGEND_FONT, LEGEND_ROW
    x, y = 6.0, 6.0
    items = []
    for line in _wrap(unit[:1].upper() + unit[1:], 20):
        y += font * 1.2
        items.append(f'<text x="{x:.0f}" y="{y:.0f}" font-size="{font:.0f}">{escape(line)}</text>')
    y += row * 0.4
    entries = [
        (colours[i], f"{_number(edges[i], decimals)} to {_number(edges[i + 1], decimals)}")
        for i in range(len(colours))
    ]
    if any_withheld:
        entries.append((f"url(#{id_prefix}-hatch)", f"{SUPPRESSED} withheld"))
    if any_missing:
        entries.append((NO_FIGURE_COLOUR, "no figure"))
    for fill, text in entries:
        items.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{font * 1.4:.0f}" height="{font:.0f}" '
            f'fill="{fill}" stroke="{HATCH_COLOUR}" stroke-width="0.8"/>'
            f'<text x="{x + font * 1.9:.0f}" y="{y + font * 0.85:.0f}" '
            f'font-size="{font:.0f}">{escape(text)}</text>'
        )
        y += row
    return f'<g fill="{TEXT_COLOUR}" class="legend">{"".join(items)}</g>'


def _summary(figures, withheld, areas, name, unit, decimals) -> str:
    """One paragraph a screen reader reads for the whole map."""
    said = [f"Map of the {len(areas)} police force areas of England and Wales."]
    if figures:
        high = max(figures, key=lambda c: (figures[c], name(c)))
        low = min(figures, key=lambda c: (figures[c], name(c)))
        said.append(
            f"Highest: {name(high)}, {_number(figures[high], decimals)} {unit}; lowest: "
            f"{name(low)}, {_number(figures[low], decimals)}."
        )
    if withheld & set(areas):
        names = ", ".join(sorted(name(c) for c in withheld & set(areas)))
        said.append(f"Withheld ({SUPPRESSED}): {names}.")
    missing = [c for c in areas if c not in figures and c not in withheld]
    if missing:
        said.append(f"No figure: {', '.join(sorted(name(c) for c in missing))}.")
    said.append("Each force's figure is in the table on this page.")
    return " ".join(said)


def force_map_figure(
    values: Mapping[str, float | None],
    labels: Mapping[str, str],
    title: str,
    unit: str,
    withheld: Collection[str] = (),
    **options,
) -> str:
    """The map in an HTML figure, with the licence's attribution as text under it."""
    svg = force_map_svg(values, labels, title, unit, withheld, **options)
    return (
        f'<figure style="margin:0">{svg}'
        f'<figcaption style="font-size:0.875rem">{escape(ATTRIBUTION)}</figcaption></figure>'
    )


RATE_COLUMN = "reports_per_1000_officers_a_year"
RATE_UNIT = "reports per 1,000 officers a year"


def figures_of(frame, column: str) -> tuple[dict[str, float | None], set[str]]:
    """A table's figures by force_code (None where empty) and the forces whose figure is
    withheld ([c]), as force_map_svg takes them."""
    values: dict[str, float | None] = {}
    withheld: set[str] = set()
    for code, value in zip(frame["force_code"], frame[column], strict=True):
        if isinstance(value, str) and value.strip() == SUPPRESSED:
            withheld.add(code)
        elif value is None or (isinstance(value, str) and not value.strip()):
            values[code] = None
        else:
            number = float(value)
            values[code] = None if math.isnan(number) else number
    return values, withheld


def rate_map(by_force, column: str, period_label: str, **options) -> str:
    """A table of forces (force_code, force_name and the rate column) as the map of reports per
    1,000 officers a year, an HTML figure: the released table on the public page, the live one
    on the staff pages, for any period."""
    values, withheld = figures_of(by_force, column)
    labels = dict(zip(by_force["force_code"], by_force["force_name"], strict=True))
    return force_map_figure(
        values, labels, f"Reports per 1,000 officers a year, by force, {period_label}",
        RATE_UNIT, withheld, **options,
    )  # fmt: skip


def release_map(by_force, period_label: str) -> tuple[str, list[str]]:
    """A released reports_by_force table as the map of reports per 1,000 officers a year (an
    HTML figure), and a line for each row the map cannot show (forces outside England and
    Wales, and reports whose force is not known), with its reports."""
    figure = rate_map(by_force, RATE_COLUMN, period_label)
    areas = force_areas()
    beside = []
    for code, name, reports in zip(
        by_force["force_code"], by_force["force_name"], by_force["reports"], strict=True
    ):
        if code not in areas:
            shown = reports if reports == SUPPRESSED else f"{int(reports):,}"
            beside.append(f"{name}: {shown} reports")
    return figure, beside
