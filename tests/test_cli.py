"""The `mlmarket` command as users run it: exit codes, the JSON report, one-line errors."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

import jsonschema
import pytest

from mlmarket.baseline import fingerprint

from support import EXAMPLES, REPO, run_cli

SERVERLESS = EXAMPLES / "serverless_endpoint"
COMPLIANT = EXAMPLES / "compliant_endpoint"
REPORT_SCHEMA = json.loads((REPO / "policies/schemas/report.schema.json").read_text())


def scan_json(*args: str) -> tuple[int, dict]:
    result = run_cli("scan", *args, "--format", "json")
    assert result.stderr == ""
    document = json.loads(result.stdout)
    jsonschema.validate(document, REPORT_SCHEMA)
    return result.returncode, document


def rule_verdicts(document: dict, rule_id: str) -> dict[str, str]:
    return {r["address"]: r["verdict"] for r in document["results"] if r["rule_id"] == rule_id}


@pytest.mark.parametrize("target", [SERVERLESS, SERVERLESS / "plan.json"], ids=["directory", "plan"])
def test_serverless_example_fails_with_exit_code_1(target):
    code, document = scan_json(str(target))
    assert code == 1
    assert rule_verdicts(document, "CKV_MLM_009") == {
        "aws_sagemaker_endpoint_configuration.serverless": "FAILED",
        "aws_sagemaker_endpoint_configuration.instance_based": "PASSED",
    }


@pytest.mark.parametrize("target", [COMPLIANT, COMPLIANT / "plan.json"], ids=["directory", "plan"])
def test_compliant_example_passes_with_exit_code_0(target):
    code, document = scan_json(str(target))
    assert code == 0
    assert document["summary"]["failed"] == 0
    assert document["summary"]["unknown"] == 0
    assert rule_verdicts(document, "CKV_MLM_009") == {"aws_sagemaker_endpoint_configuration.model": "PASSED"}


def test_directory_and_plan_agree_on_the_serverless_example():
    _, from_directory = scan_json(str(SERVERLESS))
    _, from_plan = scan_json(str(SERVERLESS / "plan.json"))
    as_set = lambda d: {(r["rule_id"], r["address"], r["verdict"]) for r in d["results"]}  # noqa: E731
    assert as_set(from_directory) == as_set(from_plan)


def test_json_result_fields_are_those_of_design_md():
    _, document = scan_json(str(SERVERLESS / "plan.json"))
    failed = [r for r in document["results"] if r["verdict"] == "FAILED" and r["rule_id"] == "CKV_MLM_009"]
    assert failed == [
        {
            "rule_id": "CKV_MLM_009",
            "title": "Endpoint configurations use instance-based variants, not serverless inference",
            "severity": "HIGH",
            "address": "aws_sagemaker_endpoint_configuration.serverless",
            "verdict": "FAILED",
            "message": "production_variants[0] (variant 'primary') uses serverless_config; "
            "Marketplace supports only instance-based variants",
            "file": "terraform_examples/serverless_endpoint/plan.json",
            "line": None,
            "resource_type": "aws_sagemaker_endpoint_configuration",
            # a finding's identity across runs (the baseline's and --new-since's): rule, stack, address, verdict
            "fingerprint": fingerprint(
                "CKV_MLM_009",
                "terraform_examples/serverless_endpoint/plan.json",
                "aws_sagemaker_endpoint_configuration.serverless",
                "FAILED",
            ),
        }
    ]


def test_unknown_fails_only_with_strict(tmp_path):
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
        'resource "aws_sagemaker_endpoint_configuration" "e" {\n  name = "e"\n'
        '  dynamic "production_variants" {\n    for_each = aws_s3_bucket.b.arn\n'
        '    content {\n      variant_name = "a"\n    }\n  }\n}\n'
    )
    relaxed = run_cli("scan", str(tmp_path), "--seller-account", "111122223333", "--format", "json")
    document = json.loads(relaxed.stdout)
    assert rule_verdicts(document, "CKV_MLM_009") == {"aws_sagemaker_endpoint_configuration.e": "UNKNOWN"}
    assert document["summary"]["failed"] == 0
    assert relaxed.returncode == 0
    strict = run_cli("scan", str(tmp_path), "--seller-account", "111122223333", "--strict", "--format", "json")
    assert strict.returncode == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b'{"format_version": "1.2", "planned_values": {', "invalid JSON"),
        (b"PK\x03\x04binary", "this is a binary Terraform plan"),
        (b'{"version": 4, "serial": 1, "lineage": "x", "resources": []}', "this is a Terraform state file"),
        (b'{"format_version": "2.0", "planned_values": {}}', "unsupported plan format_version '2.0'"),
        (b'{"planned_values": {}}', "no format_version"),
        (b"[1, 2]", "expected a Terraform plan JSON object, found a JSON array"),
        (b'{"format_version": "1.2", "errored": true, "planned_values": {}}', "the plan errored"),
    ],
)
def test_bad_plans_exit_2_with_one_line_naming_the_file(tmp_path, content, expected):
    plan = tmp_path / "plan.json"
    plan.write_bytes(content)
    result = run_cli("scan", str(plan))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"mlmarket: error: {plan}")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_path_exits_2():
    result = run_cli("scan", "does/not/exist")
    assert (result.returncode, result.stderr) == (2, "mlmarket: error: does/not/exist: no such file or directory\n")


def test_invalid_hcl_names_file_and_line(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_sagemaker_model" "m" {\n  name = \n}\n')
    result = run_cli("scan", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (
        f"mlmarket: error: {tmp_path}/main.tf:2: Invalid expression: Expected the start of an expression, but "
        "found the newline.\n"
    )


def test_bad_seller_account_is_a_usage_error():
    result = run_cli("scan", str(SERVERLESS), "--seller-account", "12345")
    assert (result.returncode, result.stderr) == (
        2,
        "mlmarket: error: --seller-account '12345' is not a 12-digit AWS account ID\n",
    )


def test_limits_json_exposes_every_limit():
    result = run_cli("limits", "--format", "json")
    data = json.loads(result.stdout)
    assert data["constants"] == {
        "BATCH_MAX_INVOCATION_SECONDS": 3600,
        "BATCH_MAX_PAYLOAD_MB": 100,
        "BATCH_VOLUME_GB": 30,
        "DEFAULT_IMAGE_SIZE_BUDGET_GIB": 10,
        "ECR_MAX_LAYER_MIB": 52000,
        "ENDPOINT_MAX_INVOCATION_SECONDS": 60,
        "ENDPOINT_MAX_PAYLOAD_MB": 6,
        "ENDPOINT_VOLUME_MAX_GB": 512,
        "ENDPOINT_VOLUME_MIN_GB": 1,
        "SPOT_MAX_WAIT_SECONDS": 3600,
    }
    assert len(data["datasets"]["publishing_regions.json"]["regions"]) == 17


def test_checks_dir_prints_the_external_checks_folder():
    from mlmarket.checkov_plugin import checks_dir

    result = run_cli("checks-dir")
    assert (result.returncode, result.stdout) == (0, checks_dir() + "\n")


@pytest.mark.parametrize("size", ["smaller", "larger"])
def test_the_report_arrives_whole_before_the_hard_exit(size):
    # console_main leaves with os._exit, so what stdout still buffers must be flushed first: a report smaller
    # than the buffer would otherwise vanish, a larger one lose its tail. stdout is buffered as on any machine
    # where PYTHONUNBUFFERED is not set (some CI runners set it).
    if size == "smaller":
        args = [str(SERVERLESS / "plan.json"), "--check", "CKV_MLM_009"]
    else:
        args = sorted(str(p) for p in EXAMPLES.glob("**/plan.json"))
    scan = run_cli("scan", *args, "--format", "json", "--soft-fail", env={"PYTHONUNBUFFERED": ""})
    assert scan.returncode == 0, scan.stderr
    size_bytes = len(scan.stdout.encode())
    assert size_bytes < 8192 if size == "smaller" else size_bytes > 65_536  # io buffer; Linux pipe buffer
    document = json.loads(scan.stdout)
    assert document["summary"]["failed"] >= 1
    assert scan.stdout.endswith("}\n")


def test_a_reader_that_goes_away_ends_the_scan_quietly():
    plans = sorted(str(p) for p in EXAMPLES.glob("**/plan.json"))
    pipeline = subprocess.run(
        f"{sys.executable} -m mlmarket scan {' '.join(plans)} --format json | head -c 10",
        shell=True, capture_output=True, text=True, timeout=120,
    )
    assert pipeline.stdout == '{"version"'
    assert pipeline.stderr == ""


@pytest.mark.parametrize("enabled_before", [True, False])
def test_a_scan_pauses_the_cyclic_collector_only_while_it_runs(enabled_before):
    from mlmarket.cli import main

    seen_during_scan = []
    import mlmarket.scan as scan_module

    original = scan_module.scan_path

    def spying_scan_path(*args, **kwargs):
        seen_during_scan.append(gc.isenabled())
        return original(*args, **kwargs)

    was = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    scan_module.scan_path = spying_scan_path
    try:
        code = main(["scan", str(SERVERLESS / "plan.json"), "--format", "json", "--output-file", os.devnull])
        after = gc.isenabled()
    finally:
        scan_module.scan_path = original
        (gc.enable if was else gc.disable)()
    assert code == 1
    assert seen_during_scan == [False]
    assert after is enabled_before


def test_var_file_and_var_win_over_variables_files_in_the_order_given(tmp_path):
    """As terraform plan -var-file/-var: above terraform.tfvars, the last one given most."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(
        'variable "isolated" {\n  type = bool\n}\nvariable "unused_by_this_root" {\n  default = "x"\n}\n'
        'resource "aws_sagemaker_model" "m" {\n  name = "m"\n  execution_role_arn = "arn"\n'
        "  enable_network_isolation = var.isolated\n}\n"
    )
    (tmp_path / "terraform.tfvars").write_text("isolated = true\n")
    (tmp_path / "ci.tfvars").write_text("isolated = true\n")
    (tmp_path / "prod.tfvars.json").write_text('{"isolated": false, "not_declared": 1}')

    def isolation(*options: str) -> tuple[int, str]:
        result = run_cli("scan", str(tmp_path), "-o", "json", "--check", "CKV_MLM_001", *options)
        (entry,) = json.loads(result.stdout)["results"]
        return result.returncode, entry["verdict"]

    assert isolation() == (0, "PASSED")
    assert isolation("--var-file", str(tmp_path / "prod.tfvars.json")) == (1, "FAILED")
    assert isolation("--var-file", str(tmp_path / "prod.tfvars.json"), "--var", "isolated=true") == (0, "PASSED")
    assert isolation("--var", "isolated=false", "--var-file", str(tmp_path / "ci.tfvars")) == (0, "PASSED")


def test_var_without_a_name_is_an_input_error(tmp_path):
    (tmp_path / "main.tf").write_text('variable "x" {}\n')
    result = run_cli("scan", str(tmp_path), "--var", "=1")
    assert (result.returncode, result.stderr) == (2, "mlmarket: error: --var: '=1' is not NAME=VALUE\n")


def test_an_output_file_naming_a_var_file_is_refused(tmp_path):
    (tmp_path / "main.tf").write_text('variable "x" {}\n')
    values = tmp_path / "values.tfvars"
    values.write_text('x = "1"\n')
    result = run_cli("scan", str(tmp_path), "--var-file", str(values), "-o", "json", "--output-file", str(values))
    assert result.returncode == 2
    assert values.read_text() == 'x = "1"\n'
