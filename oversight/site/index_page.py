"""The site's front page: what the service and these figures are, how small numbers are
protected, and every released period, the latest first, revisions marked."""

from oversight.analysis import published as shown
from oversight.site import addresses
from oversight.site.html import SERVICE, e, page, paragraph, section, synthetic_banner
from oversight.site.release_page import released_words
from oversight.site.sources import SiteRelease
from oversight.snapshot.write import REPORT

TITLE = "Published figures"


def _entry(release: SiteRelease) -> str:
    key, label = release.key, release.listed.period.label

    def to(target: str) -> str:
        return e(addresses.link(addresses.INDEX, target))

    revised = ' <strong class="mark">Revised</strong>' if release.revised else ""
    more = [f'<a href="{to(addresses.release_file(key, REPORT))}">the report</a>']
    if release.published is not None:
        more.append(f'<a href="{to(addresses.map_page(key))}">the map</a>')
    more.append(f'<a href="{to(addresses.release_page(key) + "#downloads")}">the downloads</a>')
    synthetic = " Synthetic demonstration data." if release.synthetic else ""
    return (
        f'<li><h3><a href="{to(addresses.release_page(key))}">{e(label)}</a>{revised}</h3>'
        f"<p>{e(released_words(release))}{synthetic} "
        f"Also: {', '.join(more)}.</p></li>"
    )


def index_page(releases: list[SiteRelease]) -> tuple[str, str]:
    """The page's path and its HTML (releases: the latest period first)."""
    parts = [f"<h1>{e(TITLE)}</h1>"]
    if any(release.synthetic for release in releases):
        parts.append(synthetic_banner())
    parts.append(
        paragraph(
            f"The {SERVICE} takes reports from the public about police officers, staff and "
            "volunteers, anonymously if they wish, and passes each report it can act on to the "
            "force concerned. These pages publish its statistics: the reports received in each "
            "financial year (April to March) and quarter, the referrals to forces and their "
            "outcomes so far, for England and Wales and for each force.",
            "lead",
        )
    )
    threshold = next((r.published.threshold for r in releases if r.published), None)
    protected = (
        shown.suppressed_words(threshold)
        if threshold
        else "Small numbers are withheld, shown as [c], to protect the people who report and "
        "the people reported."
    )
    parts.append(
        paragraph(
            "Small numbers are protected. " + protected + " Each release is checked together "
            "with every release before it, so that no withheld figure can be worked out."
        )
    )
    parts.append(
        paragraph(
            "Each release is published once, and may be revised once a year when later records "
            "arrive; a revised release replaces the figures first released and says what "
            "changed. These are experimental statistics."
        )
    )
    items = "".join(_entry(release) for release in releases)
    parts.append(section("Releases, the latest first", f'<ul class="releases">{items}</ul>'))
    return addresses.INDEX, page(addresses.INDEX, TITLE, "\n".join(parts))
