"""Peer groups: the file's rules, the area measure behind the densities, and the build script
reproducing the shipped file byte for byte."""

import csv
import math
import subprocess
import sys

import pytest

from oversight.geo import (
    WGS84_A,
    WGS84_E2,
    force_areas_km2,
    geometry_area_km2,
    ring_area_km2,
)
from oversight.peers import PeerGroupError, parse_peer_groups, peer_groups, peers_of
from oversight.settings import FORCES_CSV, PEER_GROUPS_CSV, PROJECT_ROOT

FORCES = {"kent", "essex", "hampshire", "sussex", "btp"}
HEADER = "force_code,peer_code,rank,distance\n"


def problems_of(text: str) -> str:
    with pytest.raises(PeerGroupError) as raised:
        parse_peer_groups(HEADER + text, FORCES)
    return str(raised.value)


def test_peers_come_in_rank_order_whatever_the_row_order():
    text = "kent,hampshire,2,0.5\nkent,essex,1,0.1\nkent,sussex,3,\nessex,kent,1,0.1\n"
    groups = parse_peer_groups(HEADER + text, FORCES)
    assert groups == {"kent": ("essex", "hampshire", "sussex"), "essex": ("kent",)}


def test_an_unknown_force_is_named_with_its_line_and_value():
    message = problems_of("kent,essex,1,0.1\nkentt,essex,1,0.2\nkent,narnia,2,0.3\n")
    assert "peer_groups.csv, line 3, column force_code: found 'kentt'" in message
    assert "line 4, column peer_code: found 'narnia'" in message
    assert "2 problem(s)" in message


def test_a_force_is_not_its_own_peer():
    message = problems_of("kent,kent,1,0\n")
    assert "line 2, column peer_code: found 'kent'; a force is not its own peer" in message


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("kent,essex,1,0.1\nkent,sussex,3,0.2\n", "found 1, 3 for 'kent'; expected 1 to 2"),
        ("kent,essex,1,0.1\nkent,sussex,1,0.2\n", "found 1, 1 for 'kent'"),
        ("kent,essex,0,0.1\n", "line 2, column rank: found '0'"),
        ("kent,essex,first,0.1\n", "line 2, column rank: found 'first'"),
        ("kent,essex,1,-1\n", "line 2, column distance: found '-1'"),
        ("kent,essex,1,near\n", "line 2, column distance: found 'near'"),
        ("kent,essex,1,0.1\nkent,essex,2,0.2\n", "line 3, column peer_code: found 'essex' again"),
        ("kent,essex,1\n", "line 2: expected 4 values"),
    ],
)
def test_broken_rows_are_refused(rows, expected):
    assert expected in problems_of(rows)


def test_the_header_must_be_the_four_columns():
    with pytest.raises(PeerGroupError, match="line 1: expected the columns"):
        parse_peer_groups("force,peer\nkent,essex\n", FORCES)


def test_the_shipped_file_gives_every_territorial_force_seven_peers():
    with open(FORCES_CSV, encoding="utf-8") as handle:
        forces = list(csv.DictReader(handle))
    england_wales = {f["force_code"] for f in forces if f["nation"] in ("england", "wales")}
    groups = peer_groups()
    assert set(groups) == england_wales and len(england_wales) == 43
    assert all(len(peers) == 7 for peers in groups.values())
    assert peers_of("btp") == () and peers_of("police_scotland") == ()


def test_kent_is_compared_with_large_shire_forces():
    # a sense check, not the method's output: Kent's neighbours in size and setting
    assert {"essex", "hampshire", "sussex", "thames_valley"} <= set(peers_of("kent"))
    assert "metropolitan" not in peers_of("kent") and "city_of_london" not in peers_of("kent")


def test_an_unknown_force_code_is_an_error():
    with pytest.raises(ValueError, match="'narnia' is not a force_code"):
        peers_of("narnia")


# Areas. A band between two parallels on the WGS84 ellipsoid, worked by hand from the
# ellipsoid's area element M N cos(lat) d(lat) d(lon) (Simpson's rule over 1 degree of latitude),
# against the formula of oversight/geo.py (a closed form through the authalic latitude).
def _band_km2_by_hand(lat1: float, lat2: float, lon_span: float) -> float:
    def element(lat_degrees: float) -> float:
        phi = math.radians(lat_degrees)
        w = 1 - WGS84_E2 * math.sin(phi) ** 2
        meridian = WGS84_A * (1 - WGS84_E2) / w**1.5  # M
        normal = WGS84_A / w**0.5  # N
        return meridian * normal * math.cos(phi)

    mid = (lat1 + lat2) / 2
    simpson = (element(lat1) + 4 * element(mid) + element(lat2)) / 6 * math.radians(lat2 - lat1)
    return simpson * math.radians(lon_span) / 1e6


def test_a_one_degree_cell_at_52_north_has_the_hand_worked_area():
    cell = [(-1.0, 52.0), (0.0, 52.0), (0.0, 53.0), (-1.0, 53.0), (-1.0, 52.0)]
    assert ring_area_km2(cell) == pytest.approx(_band_km2_by_hand(52.0, 53.0, 1.0), rel=1e-6)
    # about 68.2 km east-west by 111.3 km north-south
    assert ring_area_km2(cell) == pytest.approx(7_590, rel=0.01)


def test_the_whole_ellipsoid_has_the_published_wgs84_surface_area():
    # NIMA TR8350.2 (WGS 84), table 3.4: surface area 5.10065621724e14 m²
    world = [(-180, -90), (180, -90), (180, 90), (-180, 90)]
    assert ring_area_km2(world) == pytest.approx(510_065_621.724, rel=1e-10)


def test_winding_does_not_matter_and_holes_are_taken_out():
    outer = [(0, 50), (2, 50), (2, 52), (0, 52), (0, 50)]
    hole = [(0.5, 50.5), (0.5, 51.5), (1.5, 51.5), (1.5, 50.5), (0.5, 50.5)]
    assert ring_area_km2(outer[::-1]) == ring_area_km2(outer)
    polygon = {"type": "Polygon", "coordinates": [outer, hole]}
    assert geometry_area_km2(polygon) == pytest.approx(ring_area_km2(outer) - ring_area_km2(hole))


def test_the_force_areas_add_up_to_england_and_wales():
    areas = force_areas_km2()
    # data/reference/SOURCES.md: about 151,300 km² in all (GEOS, British National Grid); the
    # City of London 2.9 km²
    assert sum(areas.values()) == pytest.approx(151_300, rel=0.002)
    assert areas["city_of_london"] == pytest.approx(2.9, abs=0.1)
    assert max(areas, key=areas.get) == "dyfed_powys"


def test_the_script_writes_the_shipped_file_again_byte_for_byte(tmp_path):
    out = tmp_path / "peer_groups.csv"
    built = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "build_peer_groups.py"), str(out)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert out.read_bytes() == PEER_GROUPS_CSV.read_bytes()
