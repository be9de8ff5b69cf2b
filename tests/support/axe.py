"""axe-core (bundled by axe-playwright-python) on the page currently loaded in Playwright."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# WCAG 2.2 level AA, as axe-core tags it (axe-core 4.12 ships with axe-playwright-python
# 0.1.8). Rules tagged "best-practice" only are not run.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}

_axe = Axe()

# With JavaScript disabled (Playwright's java_script_enabled=False), Chromium still runs
# Playwright's own evaluations and promise reactions, but never fires timers (nor
# queueMicrotask callbacks), and axe.run defers its work with setTimeout: it would never
# resolve. In such a page, and only there (no page script can run there anyway), timers
# of 0 or 1 ms are replaced by promise reactions before axe is injected; longer ones are
# axe's own failure timeouts and never fire. The page is detected with the `scripting`
# media feature, so this works however the page was opened.
_NO_SCRIPT_TIMERS = """() => {
  if (!matchMedia("(scripting: none)").matches) return false;
  if (window.__supportTimers) return true;
  const pending = new Set();
  let next = 1;
  window.setTimeout = (callback, delay, ...args) => {
    const id = next++;
    if (!(delay > 1)) {
      pending.add(id);
      Promise.resolve().then(() => {
        if (pending.delete(id) && typeof callback === "function") callback(...args);
      });
    }
    return id;
  };
  window.clearTimeout = (id) => { pending.delete(id); };
  window.__supportTimers = true;
  return true;
}"""


def axe_violations(page: Page, context: str | None = None) -> list[dict]:
    """Run axe on ``page`` (or on the elements matching the CSS selector ``context``).

    Each violation is axe-core's own dict: ``id``, ``impact``, ``help``, ``helpUrl``,
    ``tags``, ``nodes`` (each with ``target`` selectors, ``html`` and ``failureSummary``).
    Works on pages opened with JavaScript disabled too (see _NO_SCRIPT_TIMERS).
    """
    page.evaluate(_NO_SCRIPT_TIMERS)
    results = _axe.run(page, context=context, options=AXE_OPTIONS)
    return list(results.response["violations"])


def _summary(text: str) -> str:
    # "Fix any of the following:\n  A\n  B" -> "Fix any of the following: A; B"
    groups: list[str] = []
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        if line.endswith(":") or not groups:
            groups.append(line)
        else:
            groups[-1] += (" " if groups[-1].endswith(":") else "; ") + line
    return " / ".join(groups)


def format_violations(violations: list[dict], max_nodes: int = 3) -> str:
    """A readable summary for assertion messages: one block per violated rule."""
    if not violations:
        return "no accessibility violation"
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        nodes = violation.get("nodes", [])
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact'}): "
            f"{violation.get('help', '')} [{len(nodes)} node(s)] {violation.get('helpUrl', '')}"
        )
        for node in nodes[:max_nodes]:
            target = ", ".join(
                " >> ".join(part) if isinstance(part, list) else str(part) for part in node.get("target", [])
            )
            html = " ".join(node.get("html", "").split())
            if len(html) > 200:
                html = html[:197] + "..."
            lines.append(f"    {target}: {html}")
            summary = _summary(node.get("failureSummary") or "")
            if summary:
                lines.append(f"      {summary}")
        if len(nodes) > max_nodes:
            lines.append(f"    ... and {len(nodes) - max_nodes} more")
    return "\n".join(lines)
