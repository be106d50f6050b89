"""A pull-request comment read in ten seconds: the summary, then failures by rule; the rest folded away."""

from __future__ import annotations

import html

from mlmarket.baseline import EXISTING, Comparison
from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports import NO_COMPARISON, sorted_results, summary
from mlmarket.rules import get_rule
from mlmarket.rules.base import SEVERITIES


def render_markdown(results: list[Result], comparison: Comparison = NO_COMPARISON) -> str:
    counts = summary(results, comparison)
    if not results and not comparison.fixed:
        return "**mlmarket**: no rule applied to the scanned resources\n"
    if counts["passed"] == len(results) and not comparison.fixed:
        return f"**mlmarket**: all {len(results)} checks passed\n"
    ordered = sorted_results(results)
    open_findings = [r for r in ordered if not r.suppressed]
    # With a base report, the status speaks of what the change adds (what `--fail-on new` gates on).
    judged = open_findings if comparison.new_since is None else [r for r in open_findings if r.since_base != EXISTING]
    blocks = [_summary_line(counts, judged)]
    if comparison.new_since is None:
        blocks.extend(_findings(open_findings))
    else:
        # A pull request's comment leads with what the change adds; what the base branch has is one line.
        blocks.extend(_findings([r for r in open_findings if r.since_base != EXISTING]))
        existing = [r for r in open_findings if r.since_base == EXISTING]
        if existing:
            blocks.append(_details(f"{len(existing)} existing (already on the base branch)", _finding_table(existing)))
    skipped = [r for r in ordered if r.verdict is Verdict.SKIPPED]
    if skipped:
        rows = [(r.rule_id, _location(r), _code(r.address), _cell(r.skip_reason or "no reason given")) for r in skipped]
        blocks.append(_details(f"{len(skipped)} skipped", _table(("Rule", "Location", "Resource", "Reason"), rows)))
    suppressed = [r for r in ordered if r.suppressed]
    if suppressed:
        blocks.append(_details(f"{len(suppressed)} suppressed (baseline)", _finding_table(suppressed)))
    if comparison.fixed:
        rows = [(e.rule_id, _code(e.stack), _code(e.address), e.verdict) for e in comparison.fixed]
        table = _table(("Rule", "Stack", "Resource", "Was"), rows)
        blocks.append(_details(f"{len(comparison.fixed)} fixed (in the baseline, no longer found)", table))
    return "\n\n".join(blocks) + "\n"


def _findings(results: list[Result]) -> list[str]:
    """Failures by rule, most severe first, then the unknowns folded."""
    blocks = []
    failed = [r for r in results if r.verdict is Verdict.FAILED]
    for rule_id in sorted({r.rule_id for r in failed}, key=lambda i: _severity_rank(failed, i)):
        blocks.append(_failure_section([r for r in failed if r.rule_id == rule_id]))
    unknown = [r for r in results if r.verdict is Verdict.UNKNOWN]
    if unknown:
        rows = [(r.rule_id, _location(r), _code(r.address), _cell(r.message)) for r in unknown]
        table = _table(("Rule", "Location", "Resource", "Why it cannot be judged"), rows)
        blocks.append(_details(f"{len(unknown)} unknown", table))
    return blocks


def _finding_table(results: list[Result]) -> str:
    rows = [(r.rule_id, r.verdict.value, _location(r), _code(r.address), _cell(r.message)) for r in results]
    return _table(("Rule", "Verdict", "Location", "Resource", "Message"), rows)


def _summary_line(counts: dict[str, int], judged: list[Result]) -> str:
    if any(r.verdict is Verdict.FAILED for r in judged):
        status = "failing"
    elif any(r.verdict is Verdict.UNKNOWN for r in judged):
        status = "incomplete"  # nothing failed, but some checks could not be judged
    else:
        status = "passing" if "new" not in counts else "no new findings"
    line = (
        f"**mlmarket**: {counts['failed']} failed, {counts['unknown']} unknown, {counts['passed']} passed, "
        f"{counts['skipped']} skipped"
    )
    if "suppressed" in counts:
        line += f", {counts['suppressed']} suppressed (baseline), {counts['fixed']} fixed"
    if "new" in counts:
        line += f"; {counts['new']} new, {counts['existing']} existing"
    return f"{line}: **{status}**"


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
