"""Report renderers: results in, text out. They never see the source model."""

from __future__ import annotations

from collections import Counter

from mlmarket.engine import Result
from mlmarket.model import Verdict

FORMATS = ("cli", "json")


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


def render(results: list[Result], fmt: str, *, color: bool = False) -> str:
    if fmt == "json":
        from mlmarket.reports.json_report import render_json

        return render_json(results)
    from mlmarket.reports.cli_report import render_cli

    return render_cli(results, color=color)
