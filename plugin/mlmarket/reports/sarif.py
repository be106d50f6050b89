"""SARIF 2.1.0 for GitHub code scanning: failures are errors, unknowns warnings, skips suppressed results."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import PurePath

import mlmarket
from mlmarket.baseline import NEW, Comparison
from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports import NO_COMPARISON, sorted_results
from mlmarket.reports.accounts import AccountStatus, account_rows, by_account
from mlmarket.rules import get_rule

SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/mlmarket/mlmarket"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = "mlmarket/v2"  # v2: the stack is part of the identity (v1 merged prod and dev)
TAGS = ("security", "compliance", "aws-marketplace")
# GitHub ranks security alerts by this score: >= 9.0 critical, >= 7.0 high, >= 4.0 medium, else low.
SECURITY_SEVERITY = {"CRITICAL": "9.5", "HIGH": "8.0", "MEDIUM": "5.5", "LOW": "3.0"}
_LEVELS = {Verdict.FAILED: "error", Verdict.UNKNOWN: "warning", Verdict.SKIPPED: "note"}


def render_sarif(
    results: list[Result], comparison: Comparison = NO_COMPARISON, *, accounts: Sequence[AccountStatus] | None = None
) -> str:
    rule_ids = sorted({r.rule_id for r in results})
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    representative = {r.rule_id: r for r in results}
    document = {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mlmarket",
                        "version": mlmarket.__version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(representative[rule_id]) for rule_id in rule_ids],
                    }
                },
                "results": [
                    _sarif_result(r, index[r.rule_id], comparison)
                    for r in (sorted_results(results) if accounts is None else by_account(sorted_results(results)))
                    if r.verdict is not Verdict.PASSED
                ],
            }
        ],
    }
    if comparison.baseline is not None:
        # Not results: code scanning would open an alert for a result of any kind. A property bag is read by
        # whoever looks for it (the baselined findings that are gone, for --prune-baseline).
        fixed = [entry.as_dict() for entry in comparison.fixed]
        document["runs"][0]["properties"] = {"mlmarket/baseline": comparison.baseline, "mlmarket/fixed": fixed}
    if accounts is not None:  # an organization audit: results in account order, each account's counts
        run = document["runs"][0]
        rows = [row.as_dict() for row in account_rows(results, accounts)]
        run.setdefault("properties", {})["mlmarket/accounts"] = rows
        run["invocations"] = [_invocation(accounts)]
    return json.dumps(document, indent=2) + "\n"


def _invocation(accounts: Sequence[AccountStatus]) -> dict[str, object]:
    """What could not be read, as SARIF says that a run is incomplete: one error notification per account
    that could not be entered and per failed read."""
    notifications = []
    for status in accounts:
        texts = [f"not read: {status.error}"] if status.error is not None else []
        texts += [f"{read.region} {read.operation} failed after retries ({read.error})" for read in status.unread]
        notifications += [{"level": "error", "message": {"text": f"account {status.account}: {t}"}} for t in texts]
    return {
        "executionSuccessful": all(status.complete for status in accounts),
        "toolExecutionNotifications": notifications,
    }


def _fingerprint(result: Result) -> str:
    """The same finding across runs: rule, stack and address, not the file or line (moving a resource between
    files of its module, or editing above it, is still the same finding)."""
    return hashlib.sha256(f"{result.rule_id}\0{result.stack}\0{result.address}".encode()).hexdigest()


def _artifact_uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative to the source root when the file is under the working directory."""
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        if relative.startswith(os.pardir):
            return PurePath(path).as_uri(), None
        path = relative
    return PurePath(path).as_posix(), SOURCE_ROOT


def _descriptor(result: Result) -> dict[str, object]:
    try:
        meta = get_rule(result.rule_id).metadata
        risk, remediation = meta.risk, meta.remediation
    except KeyError:  # a result from outside the catalog still gets a descriptor
        risk, remediation = result.title, f"See {result.docs_url}"
    return {
        "id": result.rule_id,
        "name": result.rule_id,
        "shortDescription": {"text": result.title},
        "fullDescription": {"text": risk},
        "help": {"text": remediation, "markdown": remediation},
        "helpUri": result.docs_url,
        "properties": {
            "tags": list(TAGS),
            "security-severity": SECURITY_SEVERITY[result.severity],
        },
        # Any rule failure fails the scan, so every rule defaults to error; security-severity ranks them.
        "defaultConfiguration": {"level": "error"},
    }


def _sarif_result(result: Result, rule_index: int, comparison: Comparison) -> dict[str, object]:
    text = f"{result.address}: {result.message}"
    if result.verdict is Verdict.UNKNOWN:
        text = f"UNKNOWN: {text}"
    sarif: dict[str, object] = {
        "ruleId": result.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVELS[result.verdict],
        "message": {"text": text},
        "locations": [_location(result)],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(result)},
    }
    if result.verdict is Verdict.SKIPPED:
        suppression: dict[str, str] = {"kind": "inSource"}
        if result.skip_reason:
            suppression["justification"] = result.skip_reason
        sarif["suppressions"] = [suppression]
    elif result.suppressed:  # the baseline file lives outside the source: an external suppression
        justification = f"in the mlmarket baseline {comparison.baseline}"
        sarif["suppressions"] = [{"kind": "external", "justification": justification}]
    if result.since_base is not None:
        sarif["baselineState"] = "new" if result.since_base == NEW else "unchanged"
    if result.account is not None or result.region is not None:  # an audit's result: where it was read
        where = {"account": result.account, "region": result.region}
        sarif["properties"] = {key: value for key, value in where.items() if value is not None}
    return sarif


def _location(result: Result) -> dict[str, object]:
    location: dict[str, object] = {"logicalLocations": [{"fullyQualifiedName": result.address, "kind": "resource"}]}
    # A live-account audit has no file; the logical location alone still names the resource.
    if result.file:
        uri, base = _artifact_uri(result.file)
        artifact = {"uri": uri, "uriBaseId": base} if base else {"uri": uri}
        location["physicalLocation"] = {
            "artifactLocation": artifact,
            "region": {"startLine": result.line if result.line and result.line >= 1 else 1},
        }
    return location
