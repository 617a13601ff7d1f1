"""Where things live, and the settings read from the environment."""

import functools
import os
from pathlib import Path

import duckdb

from oversight.constants import DEFAULT_THRESHOLD

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
FORCES_CSV = DATA_DIR / "forces.csv"
REFERENCE_DIR = DATA_DIR / "reference"
# ONS Police Force Areas (December 2023) boundaries, for the map and for area sizes
FORCE_AREAS_GEOJSON = REFERENCE_DIR / "police_force_areas.geojson"
# Each force's most similar forces (scripts/build_peer_groups.py, or HMICFRS's list)
PEER_GROUPS_CSV = REFERENCE_DIR / "peer_groups.csv"
DEMO_DIR = DATA_DIR / "demo"
QUERIES_DIR = PROJECT_ROOT / "queries"
DEFAULT_DB = DATA_DIR / "oversight.duckdb"

# Problems listed in full when an extract is refused; the rest are counted.
MAX_PROBLEMS_LISTED = 200
# Every DuckDB connection the project opens: no extension is ever loaded or downloaded behind our
# back (DuckDB would fetch its sqlite extension from the internet to attach a SQLite file).
DUCKDB_CONFIG = {"autoload_known_extensions": False, "autoinstall_known_extensions": False}
# Memory DuckDB may use while importing (the goal: 1,000,000 reports under 2 GB for the whole
# process). Ten million reports need more, for the primary-key index: set OVERSIGHT_IMPORT_MEMORY.
DEFAULT_IMPORT_MEMORY = "1GB"


class SettingError(ValueError):
    """A setting in the environment holds a value Oversight cannot use; the message names it."""


def import_memory_limit() -> str:
    """DuckDB's memory limit for an import: OVERSIGHT_IMPORT_MEMORY, else 1GB."""
    value = os.environ.get("OVERSIGHT_IMPORT_MEMORY", DEFAULT_IMPORT_MEMORY)
    if not _memory_limit_ok(value):
        raise SettingError(
            f"OVERSIGHT_IMPORT_MEMORY must be an amount of memory such as 1GB or 500MB, "
            f"got {value!r}"
        )
    return value


@functools.lru_cache(maxsize=8)
def _memory_limit_ok(value: str) -> bool:
    # DuckDB itself judges the value, so every form it takes (1GB, 500 MiB, 80%) is allowed
    with duckdb.connect(":memory:", config=DUCKDB_CONFIG) as con:
        try:
            con.execute("set memory_limit = $value", {"value": value})
        except duckdb.Error:
            return False
    return True


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """The database path: --db if given, else OVERSIGHT_DB, else data/oversight.duckdb."""
    if cli_value:
        return Path(cli_value)
    from_env = os.environ.get("OVERSIGHT_DB")
    if not from_env:
        return DEFAULT_DB
    if Path(from_env).is_dir():
        raise SettingError(f"OVERSIGHT_DB must name a database file, not a folder: {from_env}")
    return Path(from_env)


def db_path_is_default() -> bool:
    """Whether the dashboard reads the default database (OVERSIGHT_DB not set), the only place
    where it may build the demo by itself."""
    return not os.environ.get("OVERSIGHT_DB")


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
        raise SettingError(
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
        raise SettingError(
            f"OVERSIGHT_AUDIENCE must be one of {', '.join(AUDIENCES)}, not {value!r}"
        )
    return value


def check_dashboard_settings() -> None:
    """Raise SettingError for the first bad setting the dashboard reads: it says so on every page
    at once, rather than failing on the one page or action that reads it."""
    audience()
    resolve_db_path()
    disclosure_threshold()
    import_memory_limit()  # read when the dashboard builds the demo


def chromium_setting() -> str | None:
    """OVERSIGHT_CHROMIUM: the chromium (or Chrome) that prints briefings to PDF; unset or
    empty: look for one on PATH, then at /usr/bin/chromium (oversight/briefing/pdf.py)."""
    return os.environ.get("OVERSIGHT_CHROMIUM", "").strip() or None
