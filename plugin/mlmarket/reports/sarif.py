"""SARIF 2.1.0 for GitHub code scanning: failures are errors, unknowns warnings, skips suppressed results."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import PurePath

import mlmarket
from mlmarket.engine import Result
from mlmarket.model import Verdict
from mlmarket.reports import sorted_results
from mlmarket.rules import get_rule

SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/mlmarket/mlmarket"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = "mlmarket/v2"  # v2: the stack is part of the identity (v1 merged prod and dev)
TAGS = ("security", "compliance", "aws-marketplace")
# GitHub ranks security alerts by this score: >= 9.0 critical, >= 7.0 high, >= 4.0 medium, else low.
SECURITY_SEVERITY = {"CRITICAL": "9.5", "HIGH": "8.0", "MEDIUM": "5.5", "LOW": "3.0"}
_LEVELS = {Verdict.FAILED: "error", Verdict.UNKNOWN: "warning", Verdict.SKIPPED: "note"}


def render_sarif(results: list[Result]) -> str:
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
                    _sarif_result(r, index[r.rule_id])
                    for r in sorted_results(results)
                    if r.verdict is not Verdict.PASSED
                ],
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


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


def _sarif_result(result: Result, rule_index: int) -> dict[str, object]:
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
