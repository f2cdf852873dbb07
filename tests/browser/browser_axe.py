"""Run axe-core in a Playwright page with the WCAG 2.0/2.1 A and AA rules."""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_AXE = Axe()


def axe_violations(page):
    """Violations as axe reports them (each with id, help and nodes)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return _AXE.run(page, options=options).response["violations"]


def describe(violations):
    """One line per offending element: rule id, CSS target, what the rule asks for."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"{violation['id']} at {target}: {violation['help']}")
    return "\n".join(lines)
