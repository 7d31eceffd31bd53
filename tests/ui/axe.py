"""axe-core in the page: the serious and critical accessibility problems it finds.

axe-core leaves the WCAG 2.2 rules (such as 2.5.8, target size) out unless asked, so every run
names the WCAG 2.0, 2.1 and 2.2 A and AA tags (and axe's best practices) explicitly.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_22_AA_TAGS = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22a",
    "wcag22aa",
    "best-practice",
]
AXE_OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS}}


def serious_accessibility_problems(page: Page) -> list[str]:
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def problems_with_rule(page: Page, rule: str) -> list[str]:
    """Every node failing one axe rule, whatever its impact (for a test about that rule)."""
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [str(n["target"]) for v in violations if v["id"] == rule for n in v["nodes"]]
