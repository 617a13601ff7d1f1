"""What a page sent to the browser, read back in a page test: a chart's plotly figure, and a
table's column settings."""

import json


def chart_spec(app, title_start: str) -> dict:
    """The plotly figure whose title starts with title_start, as sent to the browser."""
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = spec["layout"]
        # the title drawn in the chart, or kept in layout.meta where the page writes it as text
        title = (layout.get("meta") or {}).get("title") or layout.get("title", {}).get("text", "")
        if title.startswith(title_start):
            return spec
    raise AssertionError(f"no chart titled {title_start!r}")


def column_formats(app, first_column: str, having: str | None = None) -> dict[str, str | None]:
    """The number format of each column of the table shown whose first column is first_column
    (and that has column having), as st.dataframe's column_config sends it (None where none is
    set)."""
    frame = next(
        f
        for f in app.dataframe
        if list(f.value.columns)[0] == first_column
        and (having is None or having in f.value.columns)
    )
    config = json.loads(frame.proto.columns or "{}")
    return {
        name: column.get("type_config", {}).get("format")
        for name, column in config.items()
        if name != "_index"
    }
