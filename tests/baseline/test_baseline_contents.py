"""What a baseline holds: rule, stack, address, verdict and fingerprint, nothing else; never a sensitive value
nor a message (which may quote a configured value); the schemas kept in step; stack names across checkouts."""

from __future__ import annotations

import json
import os
import shutil

import jsonschema
import pytest

from mlmarket.baseline import baseline_schema, fingerprint, stack_keys
from mlmarket.settings import config_schema, plainly_valid

from baseline_helpers import FIXTURES, checkout
from support import EXAMPLES, REPO, run_cli

SECRET = "planted-secret-5e1d07"
QUOTED_VALUE = "planted-value-in-message"
EXAMPLE_SECRET = "planted-secret-7f3a9c"  # terraform_examples/sensitive_values
ENTRY_FIELDS = {"rule_id", "stack", "address", "verdict", "fingerprint"}


def create(cwd, target: str) -> dict:
    result = run_cli("scan", target, "--create-baseline", "baseline.json", "--format", "json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    text = (cwd / "baseline.json").read_text()
    return {"text": text, "document": json.loads(text), "report": result.stdout}


def test_the_secrets_are_really_planted():
    assert SECRET in (FIXTURES / "planted_secret" / "main.tf").read_text()
    assert QUOTED_VALUE in (FIXTURES / "planted_secret" / "main.tf").read_text()
    assert EXAMPLE_SECRET in (EXAMPLES / "sensitive_values" / "plan.json").read_text()


def test_a_baseline_holds_no_sensitive_value_and_no_message(tmp_path):
    tree = checkout(tmp_path, "planted_secret")
    created = create(tree, ".")
    assert QUOTED_VALUE in created["report"]  # the report quotes the public image; the baseline must not
    assert SECRET not in created["text"]
    assert QUOTED_VALUE not in created["text"]
    findings = created["document"]["findings"]
    assert {tuple(sorted(entry)) for entry in findings} == {tuple(sorted(ENTRY_FIELDS))}
    assert {(e["rule_id"], e["address"], e["verdict"]) for e in findings} >= {
        ("CKV_MLM_002", "aws_sagemaker_model.fail_public_image", "FAILED"),
        ("CKV_MLM_002", "aws_sagemaker_model.fail_sensitive_image", "UNKNOWN"),
    }


def test_a_baseline_of_a_plan_with_sensitive_values_holds_none(tmp_path):
    tree = tmp_path / "repo"
    (tree / ".git").mkdir(parents=True)
    shutil.copy(EXAMPLES / "sensitive_values" / "plan.json", tree / "plan.json")
    created = create(tree, "plan.json")
    assert EXAMPLE_SECRET not in created["text"]
    assert {e["stack"] for e in created["document"]["findings"]} == {"plan.json"}
    assert created["document"]["findings"], "the plan has findings to baseline"


def test_the_policies_schema_is_the_package_schema():
    assert json.loads((REPO / "policies/schemas/baseline.schema.json").read_text()) == baseline_schema()
    assert json.loads((REPO / "policies/schemas/config.schema.json").read_text()) == config_schema()


def test_the_report_lists_fixed_findings_as_baseline_entries():
    report = json.loads((REPO / "policies/schemas/report.schema.json").read_text())
    fixed_entry = report["properties"]["fixed"]["items"]
    baseline_entry = baseline_schema()["properties"]["findings"]["items"]

    def shape(schema):
        if isinstance(schema, dict):
            return {k: shape(v) for k, v in schema.items() if k != "description"}
        return schema

    assert shape(fixed_entry) == shape(baseline_entry)


@pytest.mark.parametrize(("value", "valid"), [("ci/baseline.json", True), ("", False), (3, False), (None, False)])
def test_the_configuration_schema_and_its_quick_check_agree_on_baseline(value, valid):
    assert jsonschema.Draft202012Validator(config_schema()).is_valid({"baseline": value}) is valid
    assert plainly_valid({"baseline": value}) is valid


def test_stacks_are_named_from_their_repository_root(tmp_path, monkeypatch):
    one, other = tmp_path / "one", tmp_path / "checkouts" / "other"
    for repository in (one, other):
        (repository / "stacks" / "prod").mkdir(parents=True)
        (repository / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    assert stack_keys(["one/stacks/prod"]) == {"one/stacks/prod": "stacks/prod"}
    assert stack_keys([os.path.join(str(other), "stacks", "prod")]) == {
        os.path.join(str(other), "stacks", "prod"): "stacks/prod"
    }


def test_two_stacks_that_would_share_a_name_are_named_by_their_absolute_paths(tmp_path, monkeypatch):
    """Two repositories scanned at once: a finding of one is never taken for the other's."""
    for repository in ("one", "two"):
        (tmp_path / repository / "stacks" / "prod").mkdir(parents=True)
        (tmp_path / repository / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    keys = stack_keys(["one/stacks/prod", "two/stacks/prod"])
    assert keys == {
        "one/stacks/prod": f"{tmp_path.as_posix()}/one/stacks/prod",
        "two/stacks/prod": f"{tmp_path.as_posix()}/two/stacks/prod",
    }


def test_outside_a_repository_a_stack_is_named_as_the_scan_shows_it(tmp_path, monkeypatch):
    (tmp_path / "stacks" / "prod").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    if any((parent / ".git").exists() for parent in tmp_path.parents):
        pytest.skip("the temporary folder lies inside a git repository")
    assert stack_keys(["stacks/prod"]) == {"stacks/prod": "stacks/prod"}


def test_the_fingerprint_is_the_identity_and_nothing_else():
    same = fingerprint("CKV_MLM_008", "stacks/prod", "aws_x.y", "FAILED")
    assert same == fingerprint("CKV_MLM_008", "stacks/prod", "aws_x.y", "FAILED")
    others = {
        fingerprint("CKV_MLM_009", "stacks/prod", "aws_x.y", "FAILED"),
        fingerprint("CKV_MLM_008", "stacks/dev", "aws_x.y", "FAILED"),
        fingerprint("CKV_MLM_008", "stacks/prod", "aws_x.z", "FAILED"),
        fingerprint("CKV_MLM_008", "stacks/prod", "aws_x.y", "UNKNOWN"),
        # no text moved from one field to the next makes the same finding
        fingerprint("CKV_MLM_008", "stacks/prod", "aws_x.y\0FAILED", ""),
    }
    assert same not in others and len(others) == 5
