"""Transparency snapshots: the published tables of docs/metrics.md, written as CSV files,
a cover note, metadata.json, an accessible spreadsheet and a printable report."""
