"""The JSON report of DESIGN.md (schema: policies/schemas/report.schema.json)."""

from __future__ import annotations

import orjson

from mlmarket.engine import Result
from mlmarket.reports import sorted_results, summary

REPORT_VERSION = 1


def render_json(results: list[Result]) -> str:
    # One result per line: readable and diffable, and encoded by orjson (json's indent= would force its
    # pure-Python encoder, the slowest step of a large scan).
    lines = ",\n".join("  " + orjson.dumps(r.as_dict()).decode() for r in sorted_results(results))
    body = f"[\n{lines}\n]" if lines else "[]"
    counts = orjson.dumps(summary(results)).decode()
    return f'{{"version": {REPORT_VERSION}, "results": {body},\n"summary": {counts}}}\n'

