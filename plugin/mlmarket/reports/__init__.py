"""Report renderers: results in, text out. They never see the source model."""

from __future__ import annotations

from collections import Counter

from mlmarket.engine import Result
from mlmarket.model import Verdict


def summary(results: list[Result]) -> dict[str, int]:
    counts = Counter(r.verdict for r in results)
    return {
        "passed": counts[Verdict.PASSED],
        "failed": counts[Verdict.FAILED],
        "unknown": counts[Verdict.UNKNOWN],
        "skipped": counts[Verdict.SKIPPED],
    }


def sorted_results(results: list[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (r.file or "", r.line or 0, r.address, r.rule_id))


def render(results: list[Result], fmt: str, *, color: bool = False, quiet: bool = False) -> str:
    if fmt == "json":
        from mlmarket.reports.json_report import render_json

        return render_json(results)
    if fmt == "sarif":
        from mlmarket.reports.sarif import render_sarif

        return render_sarif(results)
    if fmt == "junit":
        from mlmarket.reports.junit import render_junit

        return render_junit(results)
    if fmt == "markdown":
        from mlmarket.reports.markdown import render_markdown

        return render_markdown(results)
    from mlmarket.reports.cli_report import render_cli

    return render_cli(results, color=color, quiet=quiet)
