"""A pull-request comment read in ten seconds: the summary, then failures by rule; the rest folded away."""

from __future__ import annotations

import html

from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports import sorted_results, summary
from mlmarket.rules import get_rule
from mlmarket.rules.base import SEVERITIES


def render_markdown(results: list[Result]) -> str:
    counts = summary(results)
    if not results:
        return "**mlmarket**: no rule applied to the scanned resources\n"
    if counts["passed"] == len(results):
        return f"**mlmarket**: all {len(results)} checks passed\n"
    ordered = sorted_results(results)
    blocks = [_summary_line(counts)]
    failed = [r for r in ordered if r.verdict is Verdict.FAILED]
    for rule_id in sorted({r.rule_id for r in failed}, key=lambda i: _severity_rank(failed, i)):
        blocks.append(_failure_section([r for r in failed if r.rule_id == rule_id]))
    unknown = [r for r in ordered if r.verdict is Verdict.UNKNOWN]
    if unknown:
        rows = [(r.rule_id, _location(r), _code(r.address), _cell(r.message)) for r in unknown]
        table = _table(("Rule", "Location", "Resource", "Why it cannot be judged"), rows)
        blocks.append(_details(f"{len(unknown)} unknown", table))
    skipped = [r for r in ordered if r.verdict is Verdict.SKIPPED]
    if skipped:
        rows = [(r.rule_id, _location(r), _code(r.address), _cell(r.skip_reason or "no reason given")) for r in skipped]
        blocks.append(_details(f"{len(skipped)} skipped", _table(("Rule", "Location", "Resource", "Reason"), rows)))
    return "\n\n".join(blocks) + "\n"


def _summary_line(counts: dict[str, int]) -> str:
    if counts["failed"]:
        status = "failing"
    elif counts["unknown"]:
        status = "incomplete"  # nothing failed, but some checks could not be judged
    else:
        status = "passing"
    return (
        f"**mlmarket**: {counts['failed']} failed, {counts['unknown']} unknown, {counts['passed']} passed, "
        f"{counts['skipped']} skipped: **{status}**"
    )


def _severity_rank(failed: list[Result], rule_id: str) -> tuple[int, str]:
    severity = next(r.severity for r in failed if r.rule_id == rule_id)
    return (SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES), rule_id)


def _failure_section(results: list[Result]) -> str:
    first = results[0]
    rows = [(_location(r), _code(r.address), _cell(r.message)) for r in results]
    parts = [
        f"### {first.rule_id}: {_cell(first.title)}",
        f"Severity {first.severity}. [Rule documentation]({first.docs_url})",
        _table(("Location", "Resource", "Problem"), rows),
    ]
    remediation = _remediation(first.rule_id)
    if remediation:
        parts.append(_details("How to fix", remediation))
    return "\n\n".join(parts)


def _remediation(rule_id: str) -> str | None:
    try:
        return get_rule(rule_id).metadata.remediation
    except KeyError:  # a result from outside the catalog has no remediation to show
        return None


def _details(summary_text: str, body: str) -> str:
    # The blank lines let GitHub render the markdown inside the HTML block.
    return f"<details><summary>{html.escape(summary_text)}</summary>\n\n{body}\n\n</details>"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _location(result: Result) -> str:
    if not result.file:
        return "-"
    where = result.file if result.line is None else f"{result.file}:{result.line}"
    return _code(where)


def _cell(text: str) -> str:
    """Plain text for a table cell: no HTML, no column break, no row break."""
    escaped = html.escape(text, quote=False).replace("|", "\\|")
    return escaped.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def _code(text: str) -> str:
    """A code span in a table cell; GitHub still splits cells on `|` inside code, so it is escaped too."""
    one_line = " ".join(text.replace("`", "'").splitlines())
    return "`" + one_line.replace("|", "\\|") + "`"
