"""axe-core (npm, pinned in package-lock.json) in a Playwright page: WCAG 2.0 and 2.1, levels A and AA."""

from __future__ import annotations

import functools
from typing import Any

from bot.config import PROJECT_ROOT

AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_RUN = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }));
}"""


@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run scripts/install-widget.sh")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """What axe-core finds on the page as it is now: each violation's rule id, impact and the elements' selectors.

    axe's source is evaluated in the page the first time, through the DevTools protocol: the pages' CSP allows
    no inline script (so no `add_script_tag`), and it stays on (no `bypass_csp`) for the pages under test.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(_RUN, WCAG_A_AA)


def describe(violations: list[dict[str, Any]]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {', '.join(v['targets'])}" for v in violations)


def check_accessibility(page: Any, state: str, found: dict[str, str]) -> None:
    """Runs axe on the page and records, under `state`, what it found (nothing is recorded when it finds nothing)."""
    violations = axe_violations(page)
    if violations:
        found[state] = describe(violations)


def assert_accessible(found: dict[str, str]) -> None:
    assert not found, "axe-core (WCAG 2.0/2.1 A and AA) found violations:\n" + "\n".join(
        f"- {state}: {violations}" for state, violations in found.items()
    )
