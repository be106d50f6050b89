"""Human-readable report: one block per finding, failures first; colour only when asked (a TTY)."""

from __future__ import annotations

from mlmarket.baseline import Comparison
from mlmarket.engine import Result
from mlmarket.errors import printable
from mlmarket.model import Verdict
from mlmarket.reports import NO_COMPARISON, sorted_results, summary

_COLORS = {
    Verdict.FAILED: "\033[31m",
    Verdict.UNKNOWN: "\033[33m",
    Verdict.PASSED: "\033[32m",
    Verdict.SKIPPED: "\033[36m",
}
_SUPPRESSED_COLOR = "\033[36m"
_RESET = "\033[0m"
_ORDER = {Verdict.FAILED: 0, Verdict.UNKNOWN: 1, Verdict.SKIPPED: 3, Verdict.PASSED: 4}
_SUPPRESSED_ORDER = 2  # after what fails, before what was skipped


def render_cli(
    results: list[Result], *, color: bool = False, quiet: bool = False, comparison: Comparison = NO_COMPARISON
) -> str:
    lines: list[str] = []
    ordered = sorted(sorted_results(results), key=lambda r: _SUPPRESSED_ORDER if r.suppressed else _ORDER[r.verdict])
    for result in ordered:
        if quiet and result.verdict in (Verdict.PASSED, Verdict.SKIPPED):
            continue
        verdict = "SUPPRESSED (baseline)" if result.suppressed else result.verdict.value
        if color:
            verdict = f"{_SUPPRESSED_COLOR if result.suppressed else _COLORS[result.verdict]}{verdict}{_RESET}"
        where = result.file or "-"
        if result.line:
            where += f":{result.line}"
        mark = f" [{result.since_base}]" if result.since_base else ""
        # A file name, an address or a message holding a newline or a terminal escape must not forge a line
        # of its own (`PASSED ...`) nor drive the terminal: each is escaped to one printable line.
        lines.append(f"{verdict} {result.rule_id} {printable(result.address)}  ({printable(where)}){mark}")
        if result.suppressed:  # accepted: one more line for what it is, not the whole explanation
            lines.append(f"    {result.verdict.value}: {printable(result.message)}")
        elif result.verdict is not Verdict.PASSED:
            lines.append(f"    {result.title}")
            lines.append(f"    {printable(result.message)}")
            lines.append(f"    Guide: {result.docs_url}")
    for entry in comparison.fixed:
        lines.append(f"FIXED (baseline) {entry.rule_id} {printable(entry.address)}  (stack {printable(entry.stack)})")
    counts = summary(results, comparison)
    line = (
        f"mlmarket: {counts['passed']} passed, {counts['failed']} failed, {counts['unknown']} unknown, "
        f"{counts['skipped']} skipped"
    )
    if comparison.baseline is not None:
        line += f", {counts['suppressed']} suppressed (baseline), {counts['fixed']} fixed"
    if comparison.new_since is not None:
        line += f"; {counts['new']} new, {counts['existing']} existing"
    lines.append(line)
    return "\n".join(lines) + "\n"
