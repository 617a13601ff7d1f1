"""The fixed numbers of docs/metrics.md live in oversight/constants.py alone: no query or module
writes its own copy of the 28 days (or the 56 of "Overdue now"), the base of 10 cases, the
threshold of 5 or the dates forces joined the service (before, each had three or four copies)."""

import re

from oversight.settings import PROJECT_ROOT, QUERIES_DIR

# Named constants whose values are these numbers, by the names they have had.
MEASURE_CONSTANT = re.compile(
    r"^\s*(\w*OVERDUE\w*|\w*THRESHOLD\w*|MIN_\w+|SMALL_COUNT|SHARE_MINIMUM)\s*=\s*\d+\b", re.M
)
# 56 days, twice OVERDUE_DAYS (LONG_OVERDUE_DAYS): a whole number 56, not part of 0.56 or 56.0
LONG_OVERDUE = re.compile(r"(?<![\w.])56(?![\w.])")
SERVICE_DATES = re.compile(r"date\(2022, 11, 29\)|date\(2024, 3, 14\)|2022-11-29|2024-03-14")


def _code(path) -> str:
    """The file's text without comments (SQL's -- and Python's #)."""
    marker = "--" if path.suffix == ".sql" else "#"
    return "\n".join(line.split(marker, 1)[0] for line in path.read_text().splitlines())


def _sources():
    for folder in ("oversight", "app_pages"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            if path.name != "constants.py":
                yield path
    yield from sorted(QUERIES_DIR.glob("*.sql"))
    yield from sorted((PROJECT_ROOT / "oversight" / "ingest" / "sql").glob("*.sql"))


def test_no_module_or_query_restates_a_fixed_number():
    found = []
    for path in _sources():
        code = _code(path)
        found += [f"{path.name}: {m.group(0).strip()}" for m in MEASURE_CONSTANT.finditer(code)]
        found += [f"{path.name}: {m.group(0)}" for m in SERVICE_DATES.finditer(code)]
        found += [f"{path.name}: {m.group(0)}" for m in LONG_OVERDUE.finditer(code)]
        if path.suffix == ".sql":
            found += [f"{path.name}: 28" for _ in re.finditer(r"\b28\b", code)]
    assert found == []
