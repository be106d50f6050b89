"""Shared by the baseline tests: fixture trees copied as git checkouts, the CLI run on them, findings named.

A fixture tree is copied under a folder of its own with a `.git` marker, as `actions/checkout` leaves the base
and head branches: a stack is named relative to its repository's root, so `before` and `after_*` name theirs
alike, as two checkouts of one repository do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from mlmarket.baseline import fingerprint

from support import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The rules the fixtures are about: 008 (asynchronous) and 009 (serverless) fail; 003 is UNKNOWN (no seller).
CHECKS = ("--check", "CKV_MLM_003,CKV_MLM_008,CKV_MLM_009")

PROD, DEV = "stacks/prod", "stacks/dev"
ASYNC = "aws_sagemaker_endpoint_configuration.fail_async"
MODULE_SERVERLESS = "module.endpoint.aws_sagemaker_endpoint_configuration.fail_serverless"
MODULE_MODEL = "module.endpoint.aws_sagemaker_model.model"
ADDED = "aws_sagemaker_endpoint_configuration.fail_added_serverless"
RENAMED = "aws_sagemaker_endpoint_configuration.fail_async_renamed"

# Every finding the fixture trees make: (rule, stack, address, verdict).
KNOWN = [
    ("CKV_MLM_008", PROD, ASYNC, "FAILED"),
    ("CKV_MLM_008", DEV, ASYNC, "FAILED"),
    ("CKV_MLM_009", PROD, MODULE_SERVERLESS, "FAILED"),
    ("CKV_MLM_003", PROD, MODULE_MODEL, "UNKNOWN"),
    ("CKV_MLM_009", DEV, MODULE_SERVERLESS, "FAILED"),
    ("CKV_MLM_003", DEV, MODULE_MODEL, "UNKNOWN"),
    ("CKV_MLM_009", DEV, ADDED, "FAILED"),
    ("CKV_MLM_008", PROD, RENAMED, "FAILED"),
]
BY_FINGERPRINT = {fingerprint(*finding): finding for finding in KNOWN}
BEFORE = set(KNOWN[:4])


def checkout(root: Path, fixture: str, name: str | None = None) -> Path:
    """A copy of a fixture tree as a git checkout (a `.git` folder marks its root)."""
    target = root / (name or fixture)
    shutil.copytree(FIXTURES / fixture, target)
    (target / ".git").mkdir()
    return target


def named(fingerprints: object) -> set[tuple[str, str, str, str]]:
    """The known findings these fingerprints stand for; an unknown fingerprint fails the test."""
    return {BY_FINGERPRINT[f] for f in fingerprints}  # type: ignore[attr-defined]


def scan_json(*args: str, cwd: Path) -> tuple[int, dict, str]:
    """`mlmarket scan ... --format json` run in `cwd`: exit code, report, stderr."""
    result = run_cli("scan", *args, *CHECKS, "--format", "json", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def marks(report: dict) -> dict[str, set[tuple[str, str, str, str]]]:
    """The report's findings by what they are: suppressed, open (failed or unknown, not suppressed), new,
    existing, and the baseline's fixed findings."""
    findings = [r for r in report["results"] if r["verdict"] in ("FAILED", "UNKNOWN", "SUPPRESSED")]
    return {
        "suppressed": named(r["fingerprint"] for r in findings if r["verdict"] == "SUPPRESSED"),
        "open": named(r["fingerprint"] for r in findings if r["verdict"] != "SUPPRESSED"),
        "new": named(r["fingerprint"] for r in findings if r.get("since_base") == "new"),
        "existing": named(r["fingerprint"] for r in findings if r.get("since_base") == "existing"),
        "fixed": {(e["rule_id"], e["stack"], e["address"], e["verdict"]) for e in report.get("fixed", [])},
    }


def create_baseline(tree: Path, destination: Path) -> None:
    result = run_cli("scan", ".", *CHECKS, "--create-baseline", str(destination), "--quiet", cwd=tree)
    assert result.returncode == 0, result.stderr
