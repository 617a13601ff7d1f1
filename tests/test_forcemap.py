"""The map of forces: the SVG it draws (well-formed, one titled area per force, withheld forces
hatched, a legend that covers every value, small), the class edges worked by hand, and the map in
a real browser with every outside request blocked, checked by axe-core."""

import csv
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.forcemap import (
    ATTRIBUTION,
    CLASS_COLOURS,
    NO_FIGURE_COLOUR,
    class_edges,
    class_of,
    figures_of,
    force_map_figure,
    force_map_svg,
    project,
    release_map,
    simplify,
)
from oversight.settings import FORCES_CSV, PROJECT_ROOT

SVG = "{http://www.w3.org/2000/svg}"
# The map's stated size limit: the boundaries file is 0.5 MB; the map must stay far smaller
SIZE_LIMIT_BYTES = 120_000
UNIT = "reports per 1,000 officers a year"

with open(FORCES_CSV, encoding="utf-8") as _handle:
    FORCES = list(csv.DictReader(_handle))
LABELS = {f["force_code"]: f["force_name"] for f in FORCES}
ON_MAP = [f["force_code"] for f in FORCES if f["nation"] in ("england", "wales")]
# a figure for every force on the map: 10.0, 11.5, 13.0, ... in force_code order
VALUES = {code: 10 + 1.5 * i for i, code in enumerate(sorted(ON_MAP))}


def areas(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {p.get("data-force"): p for p in root.iter(f"{SVG}path") if p.get("data-force")}


def title_of(element: ET.Element) -> str:
    return element.find(f"{SVG}title").text


def legend(svg: str) -> list[tuple[str, str]]:
    """The legend's entries: (fill of the swatch, its words)."""
    group = next(g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "legend")
    swatches = [r.get("fill") for r in group.iter(f"{SVG}rect")]
    words = [t.text for t in group.iter(f"{SVG}text")]
    return list(zip(swatches, words[-len(swatches) :], strict=True))


def test_the_svg_is_well_formed_and_labelled_for_screen_readers():
    svg = force_map_svg(VALUES, LABELS, "Reports per 1,000 officers a year, by force", UNIT)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == desc_id
    # the highest and lowest figures, worked out from VALUES
    assert "Highest: Wiltshire Police, 73.0" in desc.text
    assert "lowest: Avon and Somerset Constabulary, 10.0" in desc.text
    assert root.get("viewBox").startswith("0 0 ")


def test_every_force_area_is_drawn_with_its_name_and_figure():
    drawn = areas(force_map_svg(VALUES, LABELS, "Rates", UNIT))
    assert sorted(drawn) == sorted(ON_MAP) and len(drawn) == 43
    assert title_of(drawn["kent"]) == f"Kent Police: {VALUES['kent']:.1f} {UNIT}"
    assert title_of(drawn["devon_and_cornwall"]).startswith("Devon & Cornwall Police: ")
    assert all(len(p.get("d")) > 20 for p in drawn.values())


def test_withheld_and_missing_forces_are_shown_as_such():
    values = dict(VALUES, cumbria=None)
    del values["gwent"]
    svg = force_map_svg(values, LABELS, "Rates", UNIT, withheld={"city_of_london", "dorset"})
    drawn = areas(svg)
    for code in ("city_of_london", "dorset"):
        assert drawn[code].get("fill") == "url(#forcemap-hatch)"
        assert title_of(drawn[code]).endswith(": [c] withheld")
    for code in ("cumbria", "gwent"):
        assert drawn[code].get("fill") == NO_FIGURE_COLOUR
        assert title_of(drawn[code]).endswith(": no figure")
    entries = legend(svg)
    assert ("url(#forcemap-hatch)", "[c] withheld") in entries
    assert (NO_FIGURE_COLOUR, "no figure") in entries
    assert ET.fromstring(svg).find(f"{SVG}defs/{SVG}pattern").get("id") == "forcemap-hatch"


def test_the_legend_classes_cover_the_values_and_match_the_fills():
    svg = force_map_svg(VALUES, LABELS, "Rates", UNIT)
    entries = legend(svg)
    assert [fill for fill, _ in entries] == list(CLASS_COLOURS)  # five classes, no extra entry
    ranges = [tuple(float(x.replace(",", "")) for x in words.split(" to ")) for _, words in entries]
    assert ranges[0][0] <= min(VALUES.values()) and ranges[-1][1] >= max(VALUES.values())
    for code, path in areas(svg).items():
        low, high = ranges[list(CLASS_COLOURS).index(path.get("fill"))]
        assert low <= round(VALUES[code], 1) <= high, code


def test_class_edges_are_quintiles_worked_by_hand():
    # 1 to 10: the quintiles (linear interpolation) are at positions 1.8, 3.6, 5.4 and 7.2 of
    # the sorted values, so 2.8, 4.6, 6.4 and 8.2
    assert class_edges(list(range(1, 11))) == [1.0, 2.8, 4.6, 6.4, 8.2, 10.0]
    edges = [1.0, 2.8, 4.6, 6.4, 8.2, 10.0]
    assert class_of(1.0, edges) == 0
    assert class_of(2.8, edges) == 0  # on an edge: the lower class
    assert class_of(2.84, edges) == 0  # shown as 2.8
    assert class_of(2.86, edges) == 1  # shown as 2.9
    assert class_of(10.0, edges) == 4
    # one distinct value: one class; two: the quintiles fall evenly between them
    assert class_edges([3.0, 3.0, 3.0]) == [3.0, 3.0]
    assert class_edges([1.0, 2.0]) == [1.0, 1.2, 1.4, 1.6, 1.8, 2.0]


@given(st.lists(st.floats(min_value=0, max_value=5_000, allow_nan=False), min_size=1))
def test_every_value_falls_in_a_class(values):
    edges = class_edges(values)
    assert edges == sorted(edges) and len(edges) <= 6
    for value in values:
        assert 0 <= class_of(value, edges) < max(1, len(edges) - 1)


def test_the_map_is_small():
    svg = force_map_svg(VALUES, LABELS, "Rates", UNIT, withheld={"kent"})
    assert len(svg.encode("utf-8")) < SIZE_LIMIT_BYTES


def test_the_projection_keeps_north_up_and_east_right():
    # Berwick-upon-Tweed (north), Penzance (south-west), Lowestoft (east)
    berwick, penzance, lowestoft = project(np.array([[-2.0, 55.77], [-5.54, 50.12], [1.75, 52.48]]))
    assert berwick[1] > lowestoft[1] > penzance[1]
    assert penzance[0] < berwick[0] < lowestoft[0]
    # on the central meridian, north-south distances are those of the sphere: 1° is 111.2 km
    one_degree = project(np.array([[-2.0, 52.0], [-2.0, 53.0]]))
    assert one_degree[1, 1] - one_degree[0, 1] == pytest.approx(6371 * math.pi / 180, rel=1e-9)


def test_douglas_peucker_keeps_what_sticks_out():
    line = np.array([[0, 0], [1, 0.1], [2, 0], [3, 2], [4, 0], [5, 0]], dtype=float)
    assert simplify(line, 0.5).tolist() == [[0, 0], [2, 0], [3, 2], [4, 0], [5, 0]]
    assert simplify(line, 5).tolist() == [[0, 0], [5, 0]]


def test_a_released_table_gives_figures_withheld_forces_and_forces_off_the_map():
    table = pd.DataFrame(
        {
            "force_code": ["kent", "dorset", "btp", "unknown"],
            "force_name": ["Kent Police", "Dorset Police", "British Transport Police",
                           "Force not known"],
            "reports": [307, "[c]", 1_221, 47],
            "reports_per_1000_officers_a_year": ["73.70", "[c]", "", ""],
        }
    )  # fmt: skip
    values, withheld = figures_of(table, "reports_per_1000_officers_a_year")
    assert values == {"kent": 73.7, "btp": None, "unknown": None} and withheld == {"dorset"}
    figure, beside = release_map(table, "2024/25")
    assert beside == ["British Transport Police: 1,221 reports", "Force not known: 47 reports"]
    root = ET.fromstring(figure)
    assert root.tag == "figure" and root.find("figcaption").text == ATTRIBUTION
    assert "Reports per 1,000 officers a year, by force, 2024/25" in figure


CHROMIUM = "/usr/bin/chromium"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1400, 390])
def test_the_map_draws_offline_and_passes_axe(tmp_path, width):
    """The map in a plain page, as a briefing or the static site would carry it: every outside
    request is blocked (and none is made), the areas are drawn at the page's width, and axe-core
    finds nothing against WCAG 2.2 A and AA."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/test.sh to install it"
    assert AXE.exists(), f"{AXE} is missing: scripts/test.sh installs axe-core with npm"
    figure = force_map_figure(
        dict(VALUES, cumbria=None), LABELS, "Reports per 1,000 officers a year, by force", UNIT,
        withheld={"dorset"},
    )  # fmt: skip
    page_file = tmp_path / "map.html"
    page_file.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Map</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><main><h1>Map of forces</h1>{figure}</main></body></html>",
        encoding="utf-8",
    )
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(viewport={"width": width, "height": 900})

            def route(request_route):
                if request_route.request.url.startswith("file://"):
                    request_route.continue_()
                else:
                    outside.append(request_route.request.url)
                    request_route.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.goto(page_file.as_uri())
            box = page.locator("svg[role=img]").bounding_box()
            assert 0 < box["width"] <= width and box["height"] > box["width"]
            drawn = page.evaluate(
                "() => [...document.querySelectorAll('path[data-force]')]"
                ".filter(p => p.getBBox().width > 0).length"
            )
            assert drawn == 43
            page.add_script_tag(path=str(AXE))
            found = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
            )
            assert [v["id"] for v in found["violations"]] == []
        finally:
            browser.close()
    assert outside == []
