"""Report renderers: results in, text out. They never see the source model."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlmarket.baseline import EXISTING, NEW, Comparison
from mlmarket.engine import Result
from mlmarket.model import Verdict

if TYPE_CHECKING:
    from mlmarket.reports.accounts import AccountStatus

NO_COMPARISON = Comparison()


def summary(results: list[Result], comparison: Comparison = NO_COMPARISON) -> dict[str, int]:
    """Counts by verdict, a finding the baseline accepts counted as suppressed only; with a baseline, the
    suppressed and fixed findings; with a base report, the findings (not suppressed) new and existing."""
    counts = Counter(r.verdict for r in results if not r.suppressed)
    found = {
        "passed": counts[Verdict.PASSED],
        "failed": counts[Verdict.FAILED],
        "unknown": counts[Verdict.UNKNOWN],
        "skipped": counts[Verdict.SKIPPED],
    }
    if comparison.baseline is not None:
        found["suppressed"] = sum(r.suppressed for r in results)
        found["fixed"] = len(comparison.fixed)
    if comparison.new_since is not None:
        marks = Counter(r.since_base for r in results if not r.suppressed)
        found["new"], found["existing"] = marks[NEW], marks[EXISTING]
    return found


def sorted_results(results: list[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (r.file or "", r.line or 0, r.address, r.rule_id))


def render(
    results: list[Result],
    fmt: str,
    *,
    color: bool = False,
    quiet: bool = False,
    comparison: Comparison = NO_COMPARISON,
    accounts: Sequence[AccountStatus] | None = None,
) -> str:
    """`accounts`: the accounts of an organization audit, which json, sarif and html group the results by."""
    if fmt == "json":
        from mlmarket.reports.json_report import render_json

        return render_json(results, comparison, accounts=accounts)
    if fmt == "sarif":
        from mlmarket.reports.sarif import render_sarif

        return render_sarif(results, comparison, accounts=accounts)
    if fmt == "html":
        from mlmarket.reports.html import render_html

        return render_html(results, accounts=accounts)
    if fmt == "junit":
        from mlmarket.reports.junit import render_junit

        return render_junit(results, comparison)
    if fmt == "markdown":
        from mlmarket.reports.markdown import render_markdown

        return render_markdown(results, comparison)
    from mlmarket.reports.cli_report import render_cli

    return render_cli(results, color=color, quiet=quiet, comparison=comparison)
