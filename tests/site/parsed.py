"""A page of the static site read with the standard library's HTML parser (not the site's own
code): its tables as text, every address it links to or loads, its ids and its h1s."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Table:
    name: str  # the aria-label of the box the table scrolls in
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def row(self, first: str) -> dict[str, str]:
        """The row whose first cell is `first`, by column heading."""
        found = [r for r in self.rows if r[0] == first]
        assert len(found) == 1, f"{first!r} in {self.name}: {len(found)} rows"
        return dict(zip(self.header, found[0], strict=True))


class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.addresses: list[str] = []  # every href and src
        self.ids: set[str] = set()
        self.h1: list[str] = []
        self.lang: str | None = None
        self._region: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self._h1: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.addresses.append(attrs[name])
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "div" and attrs.get("role") == "region":
            self._region = attrs.get("aria-label")
        elif tag == "table":
            self.tables.append(Table(self._region or ""))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = []
        elif tag == "h1":
            self._h1 = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if self._in_head:
                table.header = self._row
            else:
                table.rows.append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "h1":
            self.h1.append("".join(self._h1).strip())
            self._h1 = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._h1 is not None:
            self._h1.append(data)

    def table(self, name: str) -> Table:
        found = [t for t in self.tables if t.name == name]
        assert len(found) == 1, f"{len(found)} tables named {name!r}"
        return found[0]
