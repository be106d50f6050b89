"""The JSON report of DESIGN.md (schema: policies/schemas/report.schema.json)."""

from __future__ import annotations

import orjson

from mlmarket.engine import Result
from mlmarket.reports import sorted_results, summary

REPORT_VERSION = 1


def render_json(results: list[Result]) -> str:
    # One result per line: readable and diffable. orjson encodes the whole list in one call (json's indent=
    # would force its pure-Python encoder, the slowest step of a large scan); the line breaks go in after,
    # between results: every result object starts with the key "rule_id", and inside a string a quote is
    # always escaped, so `},{"rule_id":` occurs only between two results.
    encoded = orjson.dumps([r.as_dict() for r in sorted_results(results)]).decode()
    body = "[\n  " + encoded[1:-1].replace(_BETWEEN, _BETWEEN_LINES) + "\n]" if results else "[]"
    counts = orjson.dumps(summary(results)).decode()
    return f'{{"version": {REPORT_VERSION}, "results": {body},\n"summary": {counts}}}\n'


_BETWEEN = '},{"rule_id":'
_BETWEEN_LINES = '},\n  {"rule_id":'
