"""The checkov plugin honours the mlmarket baseline named by MLMARKET_BASELINE (its findings are skipped checks);
a bad one fails every check (fail closed); checkov's own --baseline keeps working as checkov defines it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from mlmarket.checkov_plugin import checks_dir

from baseline_helpers import ASYNC, CHECKS, FIXTURES, MODULE_MODEL, MODULE_SERVERLESS, checkout, create_baseline

pytestmark = pytest.mark.checkov

ADDED = "aws_sagemaker_endpoint_configuration.fail_added_serverless"


def run_checkov(tree, *args: str, baseline_env: str | None = None) -> tuple[int, list[tuple[str, str, str, str]]]:
    """checkov on `tree` with mlmarket's checks: its exit code and every mlmarket record (check, resource,
    file, result), with the details of the first record of each result."""
    found = shutil.which("checkov", path=os.path.dirname(sys.executable)) or shutil.which("checkov")
    if found is None:
        pytest.skip("checkov is not installed")
    env = {
        **os.environ,
        "BC_SKIP_MAPPING": "TRUE",
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
        "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
    }
    env.pop("MLMARKET_BASELINE", None)
    if baseline_env is not None:
        env["MLMARKET_BASELINE"] = baseline_env
    command = [found, "-d", ".", "--external-checks-dir", checks_dir(), "--skip-download", "-o", "json",
               "--compact", CHECKS[0], CHECKS[1], *args]
    result = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    document = json.loads(result.stdout) if result.stdout.strip() else []
    reports = document if isinstance(document, list) else [document]
    records = [
        (r["check_id"], r["resource"], r["file_path"], r["check_result"]["result"], " ".join(r["details"]))
        for report in reports
        for key in ("passed_checks", "failed_checks", "skipped_checks")
        for r in report.get("results", {}).get(key, [])
        if r["check_id"].startswith("CKV_MLM_")
    ]
    return result.returncode, records


def test_the_mlmarket_baseline_skips_its_findings_in_checkov(tmp_path):
    tree = checkout(tmp_path, "after_added")
    create_baseline(checkout(tmp_path, "before"), tmp_path / "accepted.json")
    code, records = run_checkov(tree, baseline_env=str(tmp_path / "accepted.json"))
    skipped = {(check, resource, file) for check, resource, file, result, _ in records if result == "SKIPPED"}
    assert skipped == {
        ("CKV_MLM_008", ASYNC, "/stacks/prod/main.tf"),
        ("CKV_MLM_008", ASYNC, "/stacks/dev/main.tf"),
        ("CKV_MLM_009", MODULE_SERVERLESS, "/modules/endpoint/main.tf"),
        ("CKV_MLM_003", MODULE_MODEL, "/modules/endpoint/main.tf"),
    }
    reasons = {details for *_, result, details in records if result == "SKIPPED"}
    assert reasons == {f"suppressed (baseline): in the mlmarket baseline {tmp_path / 'accepted.json'}"}
    failed = {(check, resource) for check, resource, _, result, _ in records if result == "FAILED"}
    assert (code, failed) == (1, {("CKV_MLM_009", ADDED)})


def test_a_corrupt_mlmarket_baseline_fails_every_check_in_checkov(tmp_path):
    tree = checkout(tmp_path, "before")
    (tmp_path / "accepted.json").write_text('{"version": 1, "findings": [')
    code, records = run_checkov(tree, baseline_env=str(tmp_path / "accepted.json"))
    assert code == 1
    assert records and {result for _, _, _, result, _ in records} == {"FAILED"}
    assert {details for *_, details in records} == {
        f"mlmarket could not scan the source (fail closed): {tmp_path / 'accepted.json'}:1: invalid JSON: "
        "Expecting value (column 29)"
    }


def test_checkovs_own_baseline_keeps_working(tmp_path):
    tree = checkout(tmp_path, "before")
    code, _ = run_checkov(tree, "--create-baseline")
    assert code == 1 and (tree / ".checkov.baseline").is_file()
    shutil.copy(FIXTURES / "after_added" / "stacks" / "dev" / "main.tf", tree / "stacks" / "dev" / "main.tf")
    code, records = run_checkov(tree, "--baseline", ".checkov.baseline")
    failed = {(check, resource) for check, resource, _, result, _ in records if result == "FAILED"}
    assert (code, failed) == (1, {("CKV_MLM_009", ADDED)})
