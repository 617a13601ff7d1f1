"""A release read back from its files, as the public page reads the register: one made before a
table was added (the outcomes decided in the period) still reads, with that table empty."""

import dataclasses

from oversight.snapshot.model import TABLES
from oversight.snapshot.periods import PublicPeriod
from oversight.snapshot.reading import released_snapshot
from oversight.snapshot.write import snapshot_files, table_text
from tests.snapshot.conftest import make_snapshot

ADDED_LATER = ("outcomes_decided", "outcomes_decided_by_force")


def released_files() -> dict[str, bytes]:
    snapshot = dataclasses.replace(make_snapshot(public=True), period=PublicPeriod(2025, 1))
    return snapshot_files(snapshot)[1]


def test_every_table_reads_back_as_published():
    read = released_snapshot(released_files())
    written = make_snapshot(public=True)
    for spec in TABLES:
        assert table_text(read.tables[spec.name], spec).equals(
            table_text(written.tables[spec.name], spec)
        ), spec.name


def test_a_release_made_before_the_outcomes_decided_reads_without_them():
    files = {k: v for k, v in released_files().items() if k.removesuffix(".csv") not in ADDED_LATER}
    read = released_snapshot(files)
    for spec in TABLES:
        table = read.tables[spec.name]
        assert list(table.columns) == list(spec.columns)
        assert table.empty == (spec.name in ADDED_LATER), spec.name
