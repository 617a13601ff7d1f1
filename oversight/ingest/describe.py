"""What a dry run found, in the words the command line prints and the Import page shows."""

from oversight.ingest import ImportSummary, TableChanges


def added_examples(change: TableChanges) -> str:
    """The first ids the extract adds, e.g. "R7, R8"."""
    return ", ".join(change.added_examples)


def revised_examples(change: TableChanges) -> str:
    """The first ids it revises, each with the columns that change, e.g. "R1 (channel)"."""
    return ", ".join(
        f"{row_id} ({', '.join(columns)})" for row_id, columns in change.revised_examples
    )


def dry_run_lines(summary: ImportSummary) -> list[str]:
    """What the import would do to each table, with examples, one line each."""
    lines = []
    for change in summary.changes:
        lines.append(
            f"  {change.table}: add {change.added:,}, revise {change.revised:,}, leave "
            f"{change.unchanged:,} unchanged"
        )
        if change.added_examples:
            lines.append(f"    added, e.g.: {added_examples(change)}")
        if change.revised_examples:
            lines.append(f"    revised, e.g.: {revised_examples(change)}")
    return lines
