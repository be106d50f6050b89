"""The JSON report of DESIGN.md (schema: policies/schemas/report.schema.json)."""

from __future__ import annotations

import json

from mlmarket.engine import Result
from mlmarket.reports import sorted_results, summary

REPORT_VERSION = 1


def render_json(results: list[Result]) -> str:
    document = {
        "version": REPORT_VERSION,
        "results": [r.as_dict() for r in sorted_results(results)],
        "summary": summary(results),
    }
    return json.dumps(document, indent=2) + "\n"
