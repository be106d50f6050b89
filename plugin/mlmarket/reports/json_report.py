"""The JSON report of DESIGN.md (schema: policies/schemas/report.schema.json)."""

from __future__ import annotations

import json

from mlmarket.engine import Result
from mlmarket.reports import sorted_results, summary

REPORT_VERSION = 1


def render_json(results: list[Result]) -> str:
    # One result per line: readable and diffable, and written by json's C encoder (indent= would force the
    # pure-Python one, the slowest step of a large scan).
    lines = ",\n".join("  " + json.dumps(r.as_dict()) for r in sorted_results(results))
    body = f"[\n{lines}\n]" if lines else "[]"
    return f'{{"version": {REPORT_VERSION}, "results": {body},\n"summary": {json.dumps(summary(results))}}}\n'

