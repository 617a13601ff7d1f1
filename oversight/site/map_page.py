"""The map page of one release: reports per 1,000 officers a year by force area (the map the
public dashboard and the release draw, oversight.forcemap.release_map), each force's figures
in a table beside it, every force named there linking to its own page."""

from oversight import forcemap
from oversight.analysis import published as shown
from oversight.site import addresses
from oversight.site.html import Crumb, bullets, e, page, paragraph, synthetic_banner, table
from oversight.site.sources import SiteRelease
from oversight.snapshot.model import SUPPRESSED

TITLE = "Reports per 1,000 officers a year, by force"


def map_page(release: SiteRelease) -> tuple[str, str]:
    """The page's path and its HTML."""
    published = release.published
    key, label = release.key, release.listed.period.label
    path = addresses.map_page(key)
    by_force = published.tables["reports_by_force"]
    figure, outside = forcemap.release_map(by_force, label)
    parts = [f"<h1>{e(TITLE)}</h1>", paragraph(label, "lead")]
    if release.synthetic:
        parts.append(synthetic_banner())
    parts.append(figure)
    parts.append(
        paragraph(
            "Each colour holds about a fifth of the forces with a figure (a rate on the edge "
            f"of two classes is in the lower one). Hatched: withheld ({SUPPRESSED}). Tidal "
            "estuaries belong to no force and show as gaps. Each force's figure is in the "
            "table below.",
            "note",
        )
    )
    if outside:
        parts.append(
            "<h2>Not on the map</h2>"
            + paragraph(
                "Not on the map of England and Wales, and with no officer figure here, so no rate:"
            )
            + bullets([e(line) for line in outside])
        )
    forces = shown.released_forces(published)
    links = {
        name: addresses.link(path, addresses.force_page(key, code)) for code, name in forces.items()
    }
    parts.append(
        "<h2>Every force's figures</h2>"
        + table(
            shown.force_table(published),
            "Reports by force",
            "Reports about people working for each force, its officers (full-time equivalent) "
            "and reports per 1,000 officers a year: reports over the officer-years counted. "
            "Choose a force for its own page. " + shown.marks_note(by_force, published.threshold),
            links,
        )
    )
    crumbs = (Crumb(label, addresses.release_page(key)),)
    return path, page(path, f"{TITLE}, {label}", "\n".join(parts), crumbs)
