"""The JSON report of DESIGN.md (schema: policies/schemas/report.schema.json)."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from mlmarket.baseline import SUPPRESSED, Comparison
from mlmarket.engine import Result
from mlmarket.reports import NO_COMPARISON, sorted_results, summary
from mlmarket.reports.accounts import AccountStatus, account_rows, by_account

REPORT_VERSION = 1


def render_json(
    results: list[Result], comparison: Comparison = NO_COMPARISON, *, accounts: Sequence[AccountStatus] | None = None
) -> str:
    # One result per line: readable and diffable. orjson encodes the whole list in one call (json's indent=
    # would force its pure-Python encoder, the slowest step of a large scan); the line breaks go in after,
    # between results: every result object starts with the key "rule_id", and inside a string a quote is
    # always escaped, so `},{"rule_id":` occurs only between two results.
    ordered = sorted_results(results) if accounts is None else by_account(sorted_results(results))
    encoded = orjson.dumps([_result(r) for r in ordered]).decode()
    body = "[\n  " + encoded[1:-1].replace(_BETWEEN, _BETWEEN_LINES) + "\n]" if results else "[]"
    fixed = ""
    if comparison.baseline is not None:  # the baselined findings that are gone, for --prune-baseline
        fixed = f',\n"fixed": {orjson.dumps([entry.as_dict() for entry in comparison.fixed]).decode()}'
    per_account = ""
    if accounts is not None:  # an organization audit: each account's counts, unread reads, and error
        rows = orjson.dumps([row.as_dict() for row in account_rows(results, accounts)]).decode()
        per_account = f',\n"accounts": {rows}'
    counts = orjson.dumps(summary(results, comparison)).decode()
    return f'{{"version": {REPORT_VERSION}, "results": {body}{fixed}{per_account},\n"summary": {counts}}}\n'


def _result(result: Result) -> dict[str, object]:
    """A result as DESIGN.md lists it; a finding adds its fingerprint (what `--new-since` compares), and
    the baseline's or the base report's marks where they apply."""
    fields = result.as_dict()
    if result.account is not None or result.region is not None:  # an audit's result: where it was read
        fields["account"], fields["region"] = result.account, result.region
    if result.fingerprint is None:
        return fields
    fields["fingerprint"] = result.fingerprint
    if result.suppressed:
        fields["verdict"] = SUPPRESSED
        fields["suppression"] = {"kind": "baseline", "verdict": result.verdict.value}
    if result.since_base is not None:
        fields["since_base"] = result.since_base
    return fields


_BETWEEN = '},{"rule_id":'
_BETWEEN_LINES = '},\n  {"rule_id":'
