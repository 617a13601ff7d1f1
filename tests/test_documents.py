"""The About page's documents (oversight/documents.py): every table framed so that it keeps
within the page's column, its comma-joined code names split where a line may break."""

from oversight.documents import TABLE_FRAME, demoted, framed_tables
from oversight.settings import PROJECT_ROOT

DOCUMENT = """Text before.
| file | `columns` |
|---|---|
| `a.csv` | `x,y_z` and `p`, `q` |

Between "tables".

| m | d |
|---|---|
| n | o |"""


def test_each_table_is_framed_and_its_joined_code_split():
    assert framed_tables(DOCUMENT).split("\n") == [
        "Text before.",
        f'<div class="{TABLE_FRAME}" role="region" tabindex="0" aria-label="Table: file, columns">',
        "",
        "| file | `columns` |",
        "|---|---|",
        "| `a.csv` | `x`, `y_z` and `p`, `q` |",  # the spans between spans are left alone
        "",
        "</div>",
        "",
        "",
        'Between "tables".',
        "",
        f'<div class="{TABLE_FRAME}" role="region" tabindex="0" aria-label="Table: m, d">',
        "",
        "| m | d |",
        "|---|---|",
        "| n | o |",
        "",
        "</div>",
        "",
    ]


def test_a_header_is_escaped_in_the_frame_name():
    framed = framed_tables('| a "b" <c> |\n|---|\n| d |')
    assert 'aria-label="Table: a &quot;b&quot; &lt;c&gt;"' in framed


def test_the_shipped_documents_have_every_table_framed():
    """metrics.md holds the table of published files that overflowed the About page (defect
    3): each of its tables, and SOURCES.md's, opens and closes a frame."""
    for path in (PROJECT_ROOT / "docs" / "metrics.md", PROJECT_ROOT / "data" / "SOURCES.md"):
        text = demoted(path.read_text(encoding="utf-8"))
        framed = framed_tables(text)
        tables = sum(
            1
            for number, line in enumerate(text.split("\n"))
            if line.startswith("|")
            and not (number and text.split("\n")[number - 1].startswith("|"))
        )
        assert tables > 0
        assert framed.count(f'<div class="{TABLE_FRAME}"') == framed.count("</div>") == tables
        assert "`force_code`, `force_name`, `reports`" in framed or path.name == "SOURCES.md"
