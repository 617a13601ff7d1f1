"""What the site is built from: the latest release of every released period in the register,
with its files exactly as released and its figures read back from them (as the public
dashboard lists and reads them), and nothing else."""

import json
from dataclasses import dataclass
from pathlib import Path

from oversight.snapshot import register
from oversight.snapshot.model import Snapshot
from oversight.snapshot.reading import ReleaseFormatError, released_snapshot
from oversight.snapshot.write import METADATA


class SiteError(Exception):
    """The site cannot be built (nothing released); the message says what to do."""


@dataclass(frozen=True)
class SiteRelease:
    """A period's latest release: its listing, its files as released, and its figures (None
    for a release in an earlier layout, which is offered as its files only)."""

    listed: register.Listed
    files: dict[str, bytes]
    published: Snapshot | None

    @property
    def key(self) -> str:
        return self.listed.period.key

    @property
    def revised(self) -> bool:
        return self.listed.released_at != self.listed.first_released_at

    @property
    def synthetic(self) -> bool:
        """Whether the release was made from the synthetic demo (its metadata says)."""
        meta = json.loads(self.files[METADATA].decode("utf-8"))
        return bool(meta.get("synthetic_data"))


def site_releases(db_path: Path) -> list[SiteRelease]:
    """Every released period's latest release, the latest period first (as the public
    dashboard lists them); SiteError where nothing has been released."""
    listed = register.listing(db_path)
    if not listed:
        raise SiteError(
            "No figures have been published yet: release a period first with "
            "python -m oversight publish (the site shows released figures only)."
        )
    found = []
    for entry in listed:
        files = register.released_files(db_path, entry.release_id)
        try:
            published = released_snapshot(files)
        except ReleaseFormatError:
            published = None
        found.append(SiteRelease(entry, files, published))
    return found
