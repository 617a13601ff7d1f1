"""The pieces every page of the site is made of: the page around the content (skip link,
breadcrumbs back to the index, one h1, the licence in the footer), tables that scroll in their
own box, tiles, banners. Every text is escaped; no page holds a script."""

from dataclasses import dataclass
from html import escape

import pandas as pd

from oversight import __version__
from oversight.analysis import published as shown
from oversight.site import addresses

SERVICE = "Police Anti-Corruption and Abuse Reporting Service"
SITE_NAME = f"{SERVICE}: published figures"
# The attributions the Open Government Licence asks for (data/reference/SOURCES.md), as text:
# the site makes no request and links to no other site.
LICENCE = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(nationalarchives.gov.uk/doc/open-government-licence/version/3). Officer numbers: "
    "Home Office, Police workforce, England and Wales."
)


def e(text) -> str:
    return escape(str(text), quote=True)


@dataclass(frozen=True)
class Crumb:
    """A step of the breadcrumbs: its words and the page it leads to (from the root)."""

    text: str
    target: str


def page(path: str, title: str, body: str, crumbs: tuple[Crumb, ...] = ()) -> str:
    """A whole page at path (from the site's root): body is the main content, its h1 first."""

    def to(target: str) -> str:
        return e(addresses.link(path, target))

    steps = [Crumb("All releases", addresses.INDEX), *crumbs]
    trail = (
        "".join(f'<li><a href="{to(step.target)}">{e(step.text)}</a></li>' for step in steps)
        + f'<li aria-current="page">{e(title)}</li>'
    )
    if path == addresses.INDEX:
        trail = '<li aria-current="page">All releases</li>'
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en-GB">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="Oversight {e(__version__)}">',
            f"<title>{e(title)}: {e(SITE_NAME)}</title>",
            f'<link rel="stylesheet" href="{to(addresses.STYLESHEET)}">',
            '<link rel="icon" href="data:,">',
            "</head>",
            "<body>",
            '<a class="skip" href="#main">Skip to the content</a>',
            '<header class="site">',
            f'<p class="service"><a href="{to(addresses.INDEX)}">{e(SITE_NAME)}</a></p>',
            f'<nav aria-label="Where you are"><ol class="crumbs">{trail}</ol></nav>',
            "</header>",
            '<main id="main" tabindex="-1">',
            body,
            "</main>",
            '<footer class="site">',
            f"<p>{e(LICENCE)}</p>",
            f"<p>Experimental statistics, published with Oversight {e(__version__)}. "
            "The figures are as released, whatever has been recorded since.</p>",
            "</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def synthetic_banner() -> str:
    return (
        '<p class="banner synthetic"><strong>Synthetic demonstration data.</strong> Every '
        "figure here was made up by the demonstration data generator to show what the "
        "published figures look like. None of it describes real reports, people or forces.</p>"
    )


def table(frame: pd.DataFrame, name: str, note: str = "", links: dict[str, str] | None = None
          ) -> str:  # fmt: skip
    """A table of shown text (as oversight.analysis.published words it) in a box of its own
    that scrolls sideways on a narrow screen (and can be reached by keyboard to scroll);
    links: an address for some cells of the first column."""
    numeric = set(shown.numeric_columns(frame))
    links = links or {}

    def cls(column: str) -> str:
        return ' class="num"' if column in numeric else ""

    head = "".join(f'<th scope="col"{cls(c)}>{e(c)}</th>' for c in frame.columns)
    rows = []
    first = frame.columns[0]
    for values in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, values, strict=True):
            text = e(value)
            if column == first:
                if value in links:
                    text = f'<a href="{e(links[value])}">{text}</a>'
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cells.append(f"<td{cls(column)}>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note_html = f'<p class="note">{e(note)}</p>' if note else ""
    return (
        f'<div class="table-scroll" role="region" aria-label="{e(name)}" tabindex="0">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f"{note_html}"
    )


def tiles(figures: list[shown.Tile]) -> str:
    """Headline figures as tiles: the figure, then what it is."""
    items = "".join(
        f'<li><span class="value">{e(t.value)}</span>'
        f'<span class="label">{e(t.help or t.label)}</span></li>'
        for t in figures
    )
    return f'<ul class="tiles">{items}</ul>'


def section(heading: str, content: str, anchor: str = "") -> str:
    ident = f' id="{e(anchor)}"' if anchor else ""
    return f"<section><h2{ident}>{e(heading)}</h2>\n{content}\n</section>"


def paragraph(text: str, cls: str = "") -> str:
    return f'<p class="{cls}">{e(text)}</p>' if cls else f"<p>{e(text)}</p>"


def bullets(items: list[str]) -> str:
    """A list of items already in HTML."""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
