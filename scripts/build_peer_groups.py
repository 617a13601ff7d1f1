"""Build data/reference/peer_groups.csv: each territorial force of England and Wales with its
7 most similar forces, from data the project ships.

Run by hand when data/forces.csv or the boundaries change: python scripts/build_peer_groups.py
The app reads only the built CSV; this script documents how it was made (data/SOURCES.md).

Method: for the 43 forces, three measures of size and setting, each on a log scale (they are
skewed: the Metropolitan Police has 600 times the City of London's residents) and standardised
(mean 0, standard deviation 1 across the 43, so each weighs the same):
population (ONS, mid-2024), police officers (FTE, 31 March 2025) and residents per km² of the
force area (ONS boundaries, area computed in oversight/geo.py). A force's peers are the 7 forces
nearest to it in that space (Euclidean distance; ties by force_code). Region is not used: the
dashboard compares a force with its region separately.
"""

import csv
import sys
from pathlib import Path

import numpy as np

# run as a script from anywhere: the project root holds the oversight package
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oversight.geo import force_areas_km2  # noqa: E402
from oversight.settings import FORCE_AREAS_GEOJSON, FORCES_CSV, PEER_GROUPS_CSV  # noqa: E402

PEERS_PER_FORCE = 7  # as in HMICFRS's most similar groups
COLUMNS = ["force_code", "peer_code", "rank", "distance"]
DISTANCE_DECIMALS = 3


def measures(
    forces_csv: Path = FORCES_CSV, boundaries: Path = FORCE_AREAS_GEOJSON
) -> tuple[list[str], np.ndarray]:
    """The forces that have a boundary, and for each log(population), log(officer FTE) and
    log(residents per km²), one row per force in force_code order."""
    areas = force_areas_km2(boundaries)
    with open(forces_csv, newline="", encoding="utf-8") as handle:
        rows = {row["force_code"]: row for row in csv.DictReader(handle)}
    missing = sorted(set(areas) - set(rows))
    if missing:
        raise SystemExit(f"{boundaries}: force_code not in {forces_csv}: {', '.join(missing)}")
    codes = sorted(areas)
    population = np.array([float(rows[c]["population"]) for c in codes])
    officers = np.array([float(rows[c]["officer_fte"]) for c in codes])
    density = population / np.array([areas[c] for c in codes])
    return codes, np.log(np.column_stack([population, officers, density]))


def peer_rows(codes: list[str], values: np.ndarray, n: int = PEERS_PER_FORCE) -> list[list]:
    """Each force's n nearest forces after standardising each column: rows of COLUMNS."""
    standard = (values - values.mean(axis=0)) / values.std(axis=0)
    apart = np.sqrt(((standard[:, None, :] - standard[None, :, :]) ** 2).sum(axis=2))
    rows = []
    for i, code in enumerate(codes):
        # rounded before ranking, so that what the file shows decides the order of near ties
        nearest = sorted(
            (round(float(apart[i, j]), DISTANCE_DECIMALS), other)
            for j, other in enumerate(codes)
            if other != code
        )[:n]
        for rank, (distance, other) in enumerate(nearest, start=1):
            rows.append([code, other, rank, f"{distance:.{DISTANCE_DECIMALS}f}"])
    return rows


def main(out: Path = PEER_GROUPS_CSV) -> None:
    codes, values = measures()
    rows = peer_rows(codes, values)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows ({len(codes)} forces) to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PEER_GROUPS_CSV)
