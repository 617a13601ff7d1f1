"""A force's page of one release: its released figures beside England and Wales and its most
similar forces, as the public dashboard's ?force= view shows them (the figures and their words
come from oversight.analysis.published, the chart from oversight.snapshot.svg)."""

from oversight.analysis import published as shown
from oversight.charts import OKABE_ITO
from oversight.peers import PeerGroupError, peers_of
from oversight.site import addresses
from oversight.site.html import Crumb, e, page, paragraph, section, synthetic_banner, table, tiles
from oversight.site.sources import SiteRelease
from oversight.snapshot import svg
from oversight.snapshot.commentary import period_words

RATE_TITLE = "Reports per 1,000 officers a year"


def _similar(figures: shown.ForceFigures, readable: bool) -> str:
    if figures.peers:
        return (
            f"then its {len(figures.peers)} most similar forces, most similar first (forces of "
            "similar size and population density), each with its own released figures"
        )
    if not readable:
        return "no similar forces: the list of most similar forces could not be read"
    return (
        "no group of most similar forces: groups are drawn for the 43 forces of England and Wales"
    )


def rate_chart(figures: shown.ForceFigures, period: str) -> str:
    bars = figures.rate_bars
    desc = f"{RATE_TITLE}, {period}: " + "; ".join(
        f"{label} {text}" for label, text in zip(bars.labels, bars.texts, strict=True)
    )
    return svg.bar_chart(
        "rate-chart",
        f"{RATE_TITLE}: {figures.name} beside England and Wales and similar forces",
        desc,
        bars.labels,
        bars.values,
        bars.texts,
        x_title=RATE_TITLE,
        colour=OKABE_ITO["blue"],
        width=420,
        row_height=26,
    )


def force_page(release: SiteRelease, code: str) -> tuple[str, str]:
    """The page's path and its HTML."""
    published = release.published
    key = release.key
    path = addresses.force_page(key, code)
    try:
        peers, readable = peers_of(code), True
    except PeerGroupError:
        peers, readable = (), False
    figures = shown.force_figures(published, code, peers)
    label = release.listed.period.label
    period = period_words(published.first_date, published.last_date, True, True)
    parts = [f"<h1>{e(figures.name)}</h1>"]
    if release.synthetic:
        parts.append(synthetic_banner())
    parts.append(
        paragraph(
            f"{figures.name}'s released figures for {label}: reports received {period}. "
            "Reports count against the force the person reported works for; referrals and "
            "their outcomes against the force that received them."
        )
    )
    parts.append(tiles(figures.tiles))
    chart = rate_chart(figures, period)
    parts.append(
        section(
            RATE_TITLE,
            f"<figure>{chart}<figcaption>{e(figures.name)}, England and Wales, "
            f"{e(_similar(figures, readable))}. The numbers are in the table below.</figcaption>"
            "</figure>"
            + table(
                figures.rates,
                RATE_TITLE,
                "England and Wales is worked out from the released table of forces (their "
                "reports over their officer-years); it cannot be when a force's count there is "
                "withheld. No figure is given for the similar forces together: it is not a "
                "released table.",
            ),
        )
    )
    parts.append(
        section(
            "Referrals and outcomes so far",
            table(
                figures.outcomes,
                "Referrals and outcomes so far",
                f"Referrals of the period's reports and their outcomes so far. "
                f"{shown.WHOLE_SERVICE_NAME}: the release's headline figures (forces outside "
                "England and Wales included). A force that received no referral is shown "
                "with 0.",
            ),
        )
    )
    if figures.decided is not None:
        heading = f"Outcomes decided {shown.decided_words(published)}"
        parts.append(
            section(
                heading,
                table(
                    figures.decided,
                    heading,
                    "The outcomes each force decided in the period, whenever the report came "
                    "in, by the force that received the referral.",
                ),
            )
        )
    if figures.marks:
        parts.append(paragraph(figures.marks, "note"))
    others = addresses.link(path, addresses.release_page(key))
    parts.append(
        f'<p>Every force\'s figures, the map and the downloads: <a href="{e(others)}">'
        f"{e(label)}</a>.</p>"
    )
    crumbs = (Crumb(label, addresses.release_page(key)),)
    return path, page(path, f"{figures.name}, {label}", "\n".join(parts), crumbs)
