"""A release's page: when it was released (or revised), its headline figures and what they
say, its printable report (the released snapshot.html itself), the map, a page per force, the
figures changed on revision, and every released file to download exactly as released."""

from pathlib import PurePosixPath

from oversight import disclosure
from oversight.analysis import published as shown
from oversight.site import addresses
from oversight.site.html import (
    bullets,
    e,
    page,
    paragraph,
    section,
    synthetic_banner,
    table,
    tiles,
)
from oversight.site.sources import SiteRelease
from oversight.snapshot.commentary import as_at_words, commentary, period_words
from oversight.snapshot.model import TABLES
from oversight.snapshot.periods import month_name
from oversight.snapshot.write import COVER, METADATA, REPORT, WORKBOOK

# What each released file is, for the list of downloads (a table's CSV: its title).
FILE_WORDS = {
    REPORT: "The printable report (HTML, opens in the browser)",
    WORKBOOK: "Every table in one spreadsheet (Excel)",
    COVER: "The cover note (Markdown text)",
    METADATA: "Metadata: the period, the as-at month, disclosure control and a checksum of "
    "every file (JSON)",
    **{f"{spec.name}.csv": f"{spec.title} (CSV)" for spec in TABLES},
}


def released_words(release: SiteRelease) -> str:
    listed = release.listed
    if release.revised:
        return (
            f"Revised on release in {month_name(listed.released_at.date())}, replacing the "
            f"figures first released in {month_name(listed.first_released_at.date())}."
        )
    return f"Released in {month_name(listed.released_at.date())}."


def _size(data: bytes) -> str:
    return f"{len(data):,} bytes" if len(data) < 1024 else f"{round(len(data) / 1024):,} KB"


def downloads(release: SiteRelease, path: str) -> str:
    """Every released file, linked to its exact copy in the site, the tables first."""
    order = [f"{spec.name}.csv" for spec in TABLES] + [WORKBOOK, REPORT, COVER, METADATA]
    names = [n for n in order if n in release.files] + sorted(
        n for n in release.files if n not in order
    )
    items = []
    for name in names:
        target = e(addresses.link(path, addresses.release_file(release.key, name)))
        file = PurePosixPath(name)
        # saved under a name that says its period (as the public dashboard names them)
        saved_as = f"{file.stem}_{release.key}{file.suffix}"
        saved = "" if name == REPORT else f' download="{e(saved_as)}"'
        words = FILE_WORDS.get(name, name)
        items.append(
            f'<a href="{target}"{saved}>{e(words)}</a> '
            f'<span class="note">{e(name)}, {e(_size(release.files[name]))}</span>'
        )
    return paragraph(
        "The released files, exactly as published: each table as a CSV file (codes and "
        "exact decimals, for reuse; [c] marks a withheld figure), a spreadsheet, the "
        "printable report, the cover note and the metadata."
    ) + bullets(items).replace("<ul>", '<ul class="links">', 1)


def release_page(release: SiteRelease) -> tuple[str, str]:
    """The page's path and its HTML."""
    key, label = release.key, release.listed.period.label
    path = addresses.release_page(key)
    parts = [f"<h1>{e(label)}</h1>"]
    if release.synthetic:
        parts.append(synthetic_banner())
    revised = ' class="banner revised"' if release.revised else ""
    parts.append(f"<p{revised}>{e(released_words(release))}</p>")
    published = release.published
    if published is None:
        parts.append(
            paragraph(
                "This release was published in an earlier layout, which this site does not "
                "draw. Its files are kept exactly as they were published."
            )
        )
        parts.append(section("Download the figures", downloads(release, path), "downloads"))
        return path, page(path, label, "\n".join(parts))

    period = period_words(published.first_date, published.last_date, True, True)
    parts.append(
        paragraph(
            f"Reports received {period}; "
            "referrals and outcomes of those reports so far, as at "
            f"{as_at_words(published.as_at, True, True)}. Experimental statistics. "
            + shown.suppressed_words(published.threshold)
        )
    )
    parts.append(tiles(shown.tiles(published)))

    def to(target: str) -> str:
        return e(addresses.link(path, target))

    parts.append(
        '<ul class="links">'
        f'<li><a href="{to(addresses.release_file(key, REPORT))}">The report: every figure, '
        "chart and table of the release, with its methods (printable)</a></li>"
        f'<li><a href="{to(addresses.map_page(key))}">The map: reports per 1,000 officers a '
        "year, by force</a></li>"
        '<li><a href="#forces">Each force\'s figures</a></li>'
        '<li><a href="#downloads">Download the figures</a></li>'
        "</ul>"
    )
    said = "".join(
        f"<h3>{e(heading)}</h3>" + bullets([e(s) for s in sentences])
        for heading, sentences in commentary(shown.with_whole_days(published))
        if sentences
    )
    parts.append(section("What the figures say", said))
    forces = shown.released_forces(published)
    force_links = [
        f'<a href="{to(addresses.force_page(key, code))}">{e(name)}</a>'
        for code, name in sorted(forces.items(), key=lambda item: item[1])
    ]
    parts.append(
        section(
            "Each force's figures",
            paragraph(
                "Each force's released figures beside England and Wales and its most similar "
                "forces."
            )
            + bullets(force_links).replace("<ul>", '<ul class="forces">', 1),
            "forces",
        )
    )
    if published.revisions:
        parts.append(
            section(
                "What changed on revision",
                paragraph(
                    f"{len(published.revisions):,} figures changed since the earlier release."
                )
                + table(shown.revisions_table(published), "What changed on revision"),
            )
        )
    parts.append(section("Download the figures", downloads(release, path), "downloads"))
    parts.append(
        section(
            "How small numbers are protected",
            paragraph(shown.suppressed_words(published.threshold))
            + bullets([e(rule) for rule in disclosure.rules(published.threshold)]),
        )
    )
    return path, page(path, label, "\n".join(parts))
