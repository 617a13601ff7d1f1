"""Where things live, and the settings read from the environment."""

import os
from pathlib import Path

from oversight.constants import DEFAULT_THRESHOLD

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
FORCES_CSV = DATA_DIR / "forces.csv"
DEMO_DIR = DATA_DIR / "demo"
QUERIES_DIR = PROJECT_ROOT / "queries"
DEFAULT_DB = DATA_DIR / "oversight.duckdb"

# Problems listed in full when an extract is refused; the rest are counted.
MAX_PROBLEMS_LISTED = 200
# Memory DuckDB may use while importing (the goal: 1,000,000 reports under 2 GB for the whole
# process). Ten million reports need more, for the primary-key index: set OVERSIGHT_IMPORT_MEMORY.
DEFAULT_IMPORT_MEMORY = "1GB"


def import_memory_limit() -> str:
    """DuckDB's memory limit for an import: OVERSIGHT_IMPORT_MEMORY, else 1GB."""
    return os.environ.get("OVERSIGHT_IMPORT_MEMORY", DEFAULT_IMPORT_MEMORY)


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """The database path: --db if given, else OVERSIGHT_DB, else data/oversight.duckdb."""
    if cli_value:
        return Path(cli_value)
    from_env = os.environ.get("OVERSIGHT_DB")
    if from_env:
        return Path(from_env)
    return DEFAULT_DB


def disclosure_threshold() -> int:
    """The smallest count published as it is: OVERSIGHT_DISCLOSURE_THRESHOLD, else 5."""
    raw = os.environ.get("OVERSIGHT_DISCLOSURE_THRESHOLD")
    if raw is None:
        return DEFAULT_THRESHOLD
    try:
        threshold = int(raw)
    except ValueError:
        threshold = None
    if threshold is None or threshold < 2:
        raise ValueError(
            f"OVERSIGHT_DISCLOSURE_THRESHOLD must be a whole number of at least 2 (counts from 1 "
            f"to one less are suppressed), got {raw!r}"
        )
    return threshold


# Who the dashboard is for: staff (every page, exact figures) or the public (published,
# disclosure-controlled figures only). Anything else is refused, never taken as internal.
AUDIENCES = ("internal", "public")


def audience() -> str:
    """The dashboard's audience: OVERSIGHT_AUDIENCE, "internal" (default) or "public"."""
    value = os.environ.get("OVERSIGHT_AUDIENCE", "internal").strip().lower() or "internal"
    if value not in AUDIENCES:
        raise ValueError(f"OVERSIGHT_AUDIENCE must be one of {', '.join(AUDIENCES)}, not {value!r}")
    return value
