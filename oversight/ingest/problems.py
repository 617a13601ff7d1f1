"""What is wrong with an extract, in terms a person can act on."""

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule: where it is (file, line, column), the value found and what was expected.

    hides_more marks a problem that may stand for several broken lines (a quote left open runs
    over the lines after it, whose own problems cannot be known): the count of problems is then
    a lower bound.
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str
    hides_more: bool = field(default=False, compare=False)

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
    """An extract was refused and nothing written; holds the problems (listed up to a cap).

    total counts every problem found; at_least says that there may be more than that (see
    Problem.hides_more). Left as None, it is worked out from the problems listed.
    """

    def __init__(
        self, problems: list[Problem], total: int | None = None, at_least: bool | None = None
    ):
        self.problems = problems
        self.total = len(problems) if total is None else total
        self.at_least = any(p.hides_more for p in problems) if at_least is None else at_least
        super().__init__(self.summary())

    def summary(self) -> str:
        """The refusal as text: a count, then one line per problem listed."""
        count = f"{self.total} problem{'s' if self.total != 1 else ''}"
        if self.at_least:
            count = "at least " + count
        lines = [f"Extract refused, nothing was imported: {count} found."]
        lines += [f"- {problem}" for problem in self.problems]
        hidden = self.total - len(self.problems)
        if hidden > 0:
            more = "at least " if self.at_least else ""
            lines.append(
                f"... and {more}{hidden} more problem{'s' if hidden != 1 else ''} not listed."
            )
        return "\n".join(lines)
