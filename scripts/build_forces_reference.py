"""Build data/forces.csv from the sourced reference files in data/reference/.

Run by hand when the reference files change: python scripts/build_forces_reference.py
The app reads only the built data/forces.csv; this script documents how it was made.

Officer FTE is taken at 31 March 2025: the one date published to 2 decimals for all 43
territorial forces and checked against the Home Office bulletin's national total, and the
middle of the national service's first years. Forces outside the Home Office series have none.
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
REFERENCE = DATA / "reference"
OFFICER_FTE_DATE = "2025-03-31"
COLUMNS = [
    "force_code",
    "force_name",
    "short_name",
    "force_type",
    "nation",
    "region_code",
    "region_name",
    "ons_code",
    "officer_fte",
    "officer_fte_date",
    "population",
    "population_date",
]


def read_rows(name: str) -> list[dict[str, str]]:
    """Read one reference CSV as a list of dicts."""
    with open(REFERENCE / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def build() -> list[dict[str, str]]:
    """Join forces, officer FTE and population into one row per force."""
    fte = {
        row["pfa_code"]: row["fte"]
        for row in read_rows("police_workforce_fte_ew.csv")
        if row["worker_type"] == "police_officer" and row["as_at_date"] == OFFICER_FTE_DATE
    }
    population = {row["pfa_code"]: row for row in read_rows("pfa_population_mid2024.csv")}
    built = []
    for force in read_rows("police_forces.csv"):
        code = force["pfa_code"]
        people = population.get(code)
        built.append(
            {
                "force_code": force["force_code"],
                "force_name": force["force_name"],
                "short_name": force["short_name"],
                "force_type": force["force_type"],
                "nation": force["nation"],
                "region_code": force["region_code"],
                "region_name": force["region_name"],
                "ons_code": code,
                "officer_fte": fte.get(code, ""),
                "officer_fte_date": OFFICER_FTE_DATE if code in fte else "",
                "population": people["population"] if people else "",
                "population_date": people["reference_date"] if people else "",
            }
        )
    return built


def main() -> None:
    rows = build()
    with open(DATA / "forces.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} forces to {DATA / 'forces.csv'}")


if __name__ == "__main__":
    main()
