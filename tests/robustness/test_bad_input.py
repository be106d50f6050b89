"""Fail closed: every kind of unreadable input exits 2 with one line naming the file, never a traceback,
never a partial report."""

from __future__ import annotations

import json
import os
import sys

import pytest

from support import EXAMPLES, run_cli

GOOD_PLAN = EXAMPLES / "serverless_endpoint" / "plan.json"


def assert_input_error(result, path: str, expected: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "", "no partial report may be printed"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"mlmarket: error: {path}"), lines[0]
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.stderr


PLAN_CASES = {
    "empty": (b"", "the file is empty"),
    "whitespace_only": (b"  \n\t\n", "the file is empty"),
    "truncated": (GOOD_PLAN.read_bytes()[:500], "invalid JSON"),
    "binary_tfplan": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00tfplan", "binary Terraform plan"),
    "state_file": (
        b'{"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "abc", "resources": []}',
        "this is a Terraform state file",
    ),
    "unknown_format_version": (b'{"format_version": "9.0", "planned_values": {}}', "unsupported plan format_version"),
    "missing_format_version": (b'{"planned_values": {}, "resource_changes": []}', "no format_version"),
    "errored": (b'{"format_version": "1.2", "errored": true, "resource_changes": []}', "the plan errored"),
    "json_list": (b"[]", "found a JSON array"),
    "json_string": (b'"plan"', "found a JSON string"),
    "json_null": (b"null", "found a JSON null"),
    "deeply_nested": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "invalid_utf8": (b'{"format_version": "1.2", "x": "\xff\xfe\xfa"}', "invalid UTF-8"),
    "utf16_with_bom": ('{"format_version": "1.2"}'.encode("utf-16"), "UTF-16"),
    "show_json_of_state": (b'{"format_version": "1.0", "values": {"root_module": {}}}', "looks like state output"),
    "resource_changes_not_a_list": (b'{"format_version": "1.2", "resource_changes": {}}', "not a list"),
}


@pytest.mark.parametrize("case", sorted(PLAN_CASES))
def test_bad_plan_files(tmp_path, case):
    content, expected = PLAN_CASES[case]
    plan = tmp_path / "plan.json"
    plan.write_bytes(content)
    assert_input_error(run_cli("scan", str(plan)), str(plan), expected)


def test_a_bad_plan_after_a_good_one_prints_no_partial_report(tmp_path):
    bad = tmp_path / "plan.json"
    bad.write_bytes(b"{")
    assert_input_error(run_cli("scan", str(GOOD_PLAN), str(bad)), str(bad), "invalid JSON")


HCL_CASES = {
    "invalid_hcl": (
        {"main.tf": 'resource "aws_sagemaker_model" "m" {\n  name = \n}\n'},
        "main.tf:2",
        "Invalid expression: Expected the start of an expression, but found the newline.",
    ),
    "invalid_utf8_hcl": (
        {"main.tf": b'resource "aws_s3_bucket" "b" {\n  bucket = "\xff"\n}\n'},
        "main.tf:2",
        "invalid UTF-8",
    ),
    "no_terraform": ({"README.md": "nothing here"}, "", "no Terraform files"),
    "bad_tfvars": (
        {"main.tf": 'variable "x" {}\n', "terraform.tfvars": "x = = 1\n"},
        "terraform.tfvars:1",
        'Invalid expression: Expected the start of an expression, but found "=".',
    ),
    "missing_local_module": (
        {"main.tf": 'module "m" {\n  source = "./nope"\n}\n'},
        "main.tf:1",
        "has no Terraform files",
    ),
}


@pytest.mark.parametrize("case", sorted(HCL_CASES))
def test_bad_terraform_directories(tmp_path, case):
    files, where, expected = HCL_CASES[case]
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    shown = f"{tmp_path}/{where}" if where else str(tmp_path)
    assert_input_error(run_cli("scan", str(tmp_path)), shown, expected)


def test_symlink_loop(tmp_path):
    (tmp_path / "main.tf").symlink_to(tmp_path / "main.tf")
    assert_input_error(run_cli("scan", str(tmp_path)), f"{tmp_path}/main.tf", "cannot read")


def test_symlink_out_of_the_tree_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    scanned = tmp_path / "scanned"
    scanned.mkdir()
    (scanned / "main.tf").symlink_to(outside / "secret.tf")
    assert_input_error(run_cli("scan", str(scanned)), f"{scanned}/main.tf", "points outside the scanned directory")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_bytes(GOOD_PLAN.read_bytes())
    plan.chmod(0)
    assert_input_error(run_cli("scan", str(plan)), str(plan), "permission denied")


def test_directory_given_as_plan_like_path_is_read_as_terraform(tmp_path):
    assert_input_error(run_cli("scan", str(tmp_path)), str(tmp_path), "no Terraform files")


def test_single_tf_file_is_refused_with_a_hint(tmp_path):
    tf = tmp_path / "main.tf"
    tf.write_text("")
    assert_input_error(run_cli("scan", str(tf)), str(tf), "pass the directory")


CONFIG_CASES = {
    "unquoted_account": (
        "seller_account_id: 111122223333\n",
        "seller_account_id: 111122223333 is not of type 'string' (quote the account ID so YAML keeps it a string)",
    ),
    "unknown_key": ("seller_acount_id: '111122223333'\n", "Additional properties are not allowed"),
    "bad_region": ("publishing_region: Mars\n", "publishing_region: 'Mars' does not match"),
    "skip_without_reason": ("skip:\n  - id: CKV_MLM_001\n", "skip.0: 'reason' is a required property"),
    "invalid_yaml": ("seller_account_id: [\n", "invalid YAML"),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_config_failing_its_schema(tmp_path, case):
    text, expected = CONFIG_CASES[case]
    config = tmp_path / ".mlmarket.yaml"
    config.write_text(text)
    plan = tmp_path / "plan.json"
    plan.write_bytes(GOOD_PLAN.read_bytes())
    assert_input_error(run_cli("scan", str(plan)), str(config), expected)


def test_unknown_rule_id_in_check():
    result = run_cli("scan", str(GOOD_PLAN), "--check", "CKV_MLM_404")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "mlmarket: error: unknown rule ID 'CKV_MLM_404' (see `mlmarket rules`)\n"


def test_a_pipeline_definition_that_is_not_json(tmp_path):
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n\n'
        'resource "aws_sagemaker_pipeline" "p" {\n  pipeline_name = "p"\n  pipeline_display_name = "p"\n'
        '  role_arn = "arn:aws:iam::111122223333:role/r"\n  pipeline_definition = "{not json"\n}\n'
    )
    assert_input_error(run_cli("scan", str(tmp_path)), f"{tmp_path}/main.tf:5",
                       "aws_sagemaker_pipeline.p: pipeline_definition is not valid JSON")


def test_a_file_that_cannot_be_opened(tmp_path):
    """Root reads any file whatever its mode; a Unix socket is a file nobody can open (refused before opening)."""
    import socket

    path = tmp_path / "plan.json"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert_input_error(run_cli("scan", str(path)), str(path), "is a socket, not a regular file")
    finally:
        server.close()


@pytest.mark.parametrize("image", ["111122223333.dkr.ecr.us-east-1.amazonaws.com/m\x07:1",
                                   "111122223333.dkr.ecr.us-east-1.amazonaws.com/" + "a" * 10_000])
def test_hostile_image_strings_are_judged_not_crashed_on(tmp_path, image):
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        f'resource "aws_sagemaker_model" "m" {{\n  primary_container {{\n    image = {json.dumps(image)}\n  }}\n}}\n'
    )
    result = run_cli("scan", str(tmp_path), "--format", "json", "--check", "CKV_MLM_002")
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["results"]
    assert finding["verdict"] == "FAILED"
    assert "Traceback" not in result.stderr
