"""axe-core in the browser tests: which of its findings count against WCAG 2.2 AA, and how each
is told (the page, the rule, its impact, the element), so a failing run says what to fix.

A finding counts if its rule is a WCAG 2.2 A or AA rule (whatever its impact), if axe rates it
serious or critical, or if its rule is heading-order (a best practice, which issue 11 asks for).
Axe's other best practices are advice: Streamlit's own widgets break some (a date picker's
header is a second banner landmark), and they are not checked here.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from playwright.sync_api import Page

from oversight.settings import PROJECT_ROOT

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1400, 390)  # a desktop and a phone
# WCAG 2.2 A and AA (axe runs no WCAG 2.2 rule unless asked), and its best practices
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SEVERE = {"serious", "critical"}
ALWAYS = {"heading-order"}

# Every finding on the page, each with the element it names (skipped where it matches an
# exemption of its rule).
_RUN = """async ({tags, exempt}) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  const found = [];
  for (const rule of result.violations) {
    for (const node of rule.nodes) {
      const element = document.querySelector(node.target[node.target.length - 1]);
      if (element && exempt.some(([id, selector]) => id === rule.id && element.matches(selector)))
        continue;
      found.push({rule: rule.id, impact: rule.impact, tags: rule.tags,
                  target: node.target.join(' '), html: node.html,
                  summary: node.failureSummary || ''});
    }
  }
  return found;
}"""


@dataclass(frozen=True)
class Exemption:
    """A rule not applied to the elements a CSS selector matches, and why: only for what the
    project cannot change (a Streamlit widget's own markup)."""

    rule: str
    selector: str
    why: str


def counts(finding: dict) -> bool:
    """Whether an axe finding fails the page (see the module's docstring)."""
    wcag = any(tag.startswith("wcag") for tag in finding["tags"])
    return wcag or finding["impact"] in SEVERE or finding["rule"] in ALWAYS


def told(finding: dict, where: str) -> str:
    """One finding in one line: where, the rule and its impact, the element, what is wrong."""
    why = " ".join(line.strip() for line in finding["summary"].splitlines()[1:3])
    return (
        f"{where}: {finding['rule']} ({finding['impact']}) at {finding['target']}: {why} "
        f"[{finding['html'][:150]}]"
    )


def violations(page: Page, where: str = "", exempt: Sequence[Exemption] = ()) -> list[str]:
    """What counts against WCAG 2.2 AA on the page as drawn now, one line each (empty: none).

    Args:
        page: the page, drawn.
        where: how the lines name the page (its address, by default).
        exempt: rules not applied to some elements, each with its reason.
    """
    assert AXE.exists(), f"{AXE} is missing: scripts/test.sh installs axe-core with npm"
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(_RUN, {"tags": TAGS, "exempt": [[e.rule, e.selector] for e in exempt]})
    return [told(f, where or page.url) for f in found if counts(f)]
