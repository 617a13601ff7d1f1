"""The project's own documents (docs/metrics.md, data/SOURCES.md) as the About page shows them:
headings moved under the page's own, and each table in a frame that keeps it within the page's
column on any screen."""

import html
import re

TABLE_FRAME = "oversight-table-frame"
# A table wider than the page's column (a phone's) scrolls sideways inside its frame, not the
# page; a long code name may wrap within its cell.
FRAME_STYLE = (
    f".{TABLE_FRAME} {{ overflow-x: auto; max-width: 100%; margin-bottom: 1rem; }}"
    f".{TABLE_FRAME}:focus-visible {{ outline: 2px solid #0b0c0c; outline-offset: 2px; }}"
    f".{TABLE_FRAME} table {{ margin-bottom: 0; }}"
    f".{TABLE_FRAME} :is(td, th) code {{ overflow-wrap: break-word; }}"
)
CODE_SPAN = re.compile(r"`([^`]*)`")  # taken left to right, as markdown pairs the backticks


def demoted(markdown: str) -> str:
    """The document with every heading two levels down, to sit under this page's headers."""
    return "\n".join("##" + line if line.startswith("#") else line for line in markdown.split("\n"))


def framed_tables(markdown: str) -> str:
    """The document with each table in a frame that scrolls sideways on a narrow screen (a
    region a keyboard can reach and scroll, named by the table's header), and its code names
    joined by commas split at the commas ("`a`, `b`"), so that a cell can wrap between them."""
    out: list[str] = []
    lines = markdown.split("\n")
    for number, line in enumerate(lines):
        in_table = line.startswith("|")
        if in_table and not (number and lines[number - 1].startswith("|")):
            header = ", ".join(cell.strip(" `") for cell in line.strip("|").split("|"))
            name = html.escape(f"Table: {header}", quote=True)
            out += [
                f'<div class="{TABLE_FRAME}" role="region" tabindex="0" aria-label="{name}">',
                "",
            ]
        out.append(CODE_SPAN.sub(_split_code, line) if in_table else line)
        if in_table and (number + 1 == len(lines) or not lines[number + 1].startswith("|")):
            out += ["", "</div>", ""]
    return "\n".join(out)


def _split_code(match: re.Match) -> str:
    """A code span holding commas (a file's columns) as one span per name."""
    return ", ".join(f"`{part}`" for part in match.group(1).split(","))
