"""Building the site into a folder, all or nothing: every page and file is written into a new
folder beside it, which then takes the old one's place (so a web server serving the folder
never shows half a site). A folder that holds something else is never replaced."""

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from oversight.analysis import published as shown
from oversight.site import addresses
from oversight.site.force_page import force_page
from oversight.site.index_page import index_page
from oversight.site.map_page import map_page
from oversight.site.release_page import release_page
from oversight.site.sources import SiteError, SiteRelease, site_releases
from oversight.site.style import CSS

# What says a folder holds a site built here (and so may be replaced by a new build).
GENERATOR = '<meta name="generator" content="Oversight '


@dataclass(frozen=True)
class Built:
    """What was built: the periods, the number of pages and of released files copied."""

    periods: list[str]
    pages: int
    files: int


def site_files(releases: list[SiteRelease]) -> dict[str, bytes]:
    """Every file of the site by its path from the root: the pages, the stylesheet and each
    release's files exactly as released."""
    pages = [index_page(releases)]
    files: dict[str, bytes] = {addresses.STYLESHEET: CSS.encode("utf-8")}
    for release in releases:
        pages.append(release_page(release))
        for name, data in release.files.items():
            files[addresses.release_file(release.key, name)] = data
        if release.published is None:
            continue
        pages.append(map_page(release))
        pages += [force_page(release, code) for code in shown.released_forces(release.published)]
    files.update({path: text.encode("utf-8") for path, text in pages})
    return files


def _is_site(folder: Path) -> bool:
    index = folder / addresses.INDEX
    return index.is_file() and GENERATOR in index.read_text(encoding="utf-8", errors="replace")


def write_site(files: dict[str, bytes], out: Path) -> None:
    """Write the files into out, replacing a site built there before; SiteError where out is
    a file or a folder holding something other than a site."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not _is_site(out))):
        raise SiteError(
            f"{out} already exists and is not a site built by this command: choose a new "
            "folder (a site built before is replaced)."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    old = None
    try:
        for path, data in files.items():
            target = building / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for folder in (building, *(p for p in building.rglob("*") if p.is_dir())):
            os.chmod(folder, 0o755)  # a web server must be able to read it
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
        os.replace(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        if old is not None and not out.exists():
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_site(db_path: Path, out: Path) -> Built:
    """Build the site of the register beside db_path into out."""
    releases = site_releases(db_path)
    files = site_files(releases)
    write_site(files, out)
    return Built(
        [release.listed.period.label for release in releases],
        sum(path.endswith(".html") and "/files/" not in path for path in files),
        sum("/files/" in path for path in files),
    )
