"""What is wrong with an extract, in terms a person can act on."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule: where it is (file, line, column), the value found and what was expected."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        found = "" if self.value is None else f": found {_show(self.value)}"
        return f"{where}{found}; expected {self.expected}"


def _show(value: str, limit: int = 80) -> str:
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text)


class ExtractError(Exception):
    """An extract was refused and nothing written; holds the problems (listed up to a cap)."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = len(problems) if total is None else total
        super().__init__(self.summary())

    def summary(self) -> str:
        """The refusal as text: a count, then one line per problem listed."""
        count = f"{self.total} problem{'s' if self.total != 1 else ''}"
        lines = [f"Extract refused, nothing was imported: {count} found."]
        lines += [f"- {problem}" for problem in self.problems]
        hidden = self.total - len(self.problems)
        if hidden > 0:
            lines.append(f"... and {hidden} more problem{'s' if hidden != 1 else ''} not listed.")
        return "\n".join(lines)
