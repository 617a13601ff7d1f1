"""Police force area boundaries: reading the shipped GeoJSON (data/reference/) and measuring
areas on the WGS84 ellipsoid, with numpy only (no GIS library)."""

import functools
import json
import math
from pathlib import Path

import numpy as np

from oversight.settings import FORCE_AREAS_GEOJSON

# WGS84 (EPSG:4326), the datum of the GeoJSON
WGS84_A = 6_378_137.0  # semi-major axis, metres
WGS84_F = 1 / 298.257223563  # flattening
WGS84_E2 = WGS84_F * (2 - WGS84_F)  # first eccentricity squared
WGS84_E = math.sqrt(WGS84_E2)


class BoundaryError(ValueError):
    """The boundaries file cannot be used; the message says which feature and why."""


def _q(latitude_radians: np.ndarray) -> np.ndarray:
    """Snyder's q (Map Projections: A Working Manual, eq. 3-12): twice the sine of the authalic
    latitude, scaled so that q at the pole gives the ellipsoid's area."""
    s = np.sin(latitude_radians)
    e, e2 = WGS84_E, WGS84_E2
    return (1 - e2) * (s / (1 - e2 * s * s) - np.log((1 - e * s) / (1 + e * s)) / (2 * e))


def equal_area_xy(lon_lat: np.ndarray) -> np.ndarray:
    """Longitude/latitude (degrees, one point a row) in Lambert's cylindrical equal-area
    projection of the WGS84 ellipsoid (metres): any area measured on the plane is the area on
    the ellipsoid, so a polygon's shoelace area is its area on the Earth."""
    lon_lat = np.asarray(lon_lat, dtype=float)
    x = WGS84_A * np.radians(lon_lat[:, 0])
    y = WGS84_A * _q(np.radians(lon_lat[:, 1])) / 2
    return np.column_stack([x, y])


def ring_area_km2(ring) -> float:
    """The area inside one closed ring of longitude/latitude points, in km², whatever its
    winding. Edges are straight in the equal-area projection; for ONS's 200 m generalised
    boundaries the difference from geodesic edges is far below the generalisation itself."""
    xy = equal_area_xy(np.asarray(ring, dtype=float))
    x, y = xy[:, 0], xy[:, 1]
    twice = np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))
    return abs(float(twice)) / 2 / 1e6


def geometry_area_km2(geometry: dict) -> float:
    """The area of a GeoJSON Polygon or MultiPolygon in km²: outer rings less their holes."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        raise BoundaryError(f"expected a Polygon or MultiPolygon, found {geometry['type']}")
    return sum(
        ring_area_km2(rings[0]) - sum(ring_area_km2(hole) for hole in rings[1:])
        for rings in polygons
    )


@functools.lru_cache(maxsize=2)
def force_areas(path: Path = FORCE_AREAS_GEOJSON) -> dict[str, dict]:
    """Each force area's GeoJSON geometry, keyed by force_code, in the file's order."""
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    areas: dict[str, dict] = {}
    for number, feature in enumerate(collection.get("features", []), start=1):
        code = (feature.get("properties") or {}).get("force_code")
        geometry = feature.get("geometry") or {}
        if not code:
            raise BoundaryError(f"{path}: feature {number} has no force_code")
        if code in areas:
            raise BoundaryError(f"{path}: feature {number}: force_code {code!r} appears twice")
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise BoundaryError(
                f"{path}: feature {number} ({code}): expected a Polygon or MultiPolygon, "
                f"found {geometry.get('type')!r}"
            )
        areas[code] = geometry
    return areas


def force_areas_km2(path: Path = FORCE_AREAS_GEOJSON) -> dict[str, float]:
    """Each force area's size in km² (land to Mean High Water, as ONS cuts it)."""
    return {code: geometry_area_km2(g) for code, g in force_areas(path).items()}
