"""Human-readable report: one block per finding, failures first; colour only when asked (a TTY)."""

from __future__ import annotations

from mlmarket.engine import Result
from mlmarket.errors import printable
from mlmarket.model import Verdict
from mlmarket.reports import sorted_results, summary

_COLORS = {
    Verdict.FAILED: "\033[31m",
    Verdict.UNKNOWN: "\033[33m",
    Verdict.PASSED: "\033[32m",
    Verdict.SKIPPED: "\033[36m",
}
_RESET = "\033[0m"
_ORDER = {Verdict.FAILED: 0, Verdict.UNKNOWN: 1, Verdict.SKIPPED: 2, Verdict.PASSED: 3}


def render_cli(results: list[Result], *, color: bool = False, quiet: bool = False) -> str:
    lines: list[str] = []
    ordered = sorted(sorted_results(results), key=lambda r: _ORDER[r.verdict])
    for result in ordered:
        if quiet and result.verdict in (Verdict.PASSED, Verdict.SKIPPED):
            continue
        verdict = result.verdict.value
        if color:
            verdict = f"{_COLORS[result.verdict]}{verdict}{_RESET}"
        where = result.file or "-"
        if result.line:
            where += f":{result.line}"
        # A file name, an address or a message holding a newline or a terminal escape must not forge a line
        # of its own (`PASSED ...`) nor drive the terminal: each is escaped to one printable line.
        lines.append(f"{verdict} {result.rule_id} {printable(result.address)}  ({printable(where)})")
        if result.verdict is not Verdict.PASSED:
            lines.append(f"    {result.title}")
            lines.append(f"    {printable(result.message)}")
            lines.append(f"    Guide: {result.docs_url}")
    counts = summary(results)
    lines.append(
        f"mlmarket: {counts['passed']} passed, {counts['failed']} failed, {counts['unknown']} unknown, "
        f"{counts['skipped']} skipped"
    )
    return "\n".join(lines) + "\n"
