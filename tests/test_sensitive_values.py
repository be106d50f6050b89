"""Nothing Terraform marks sensitive reaches any report: a planted secret is grepped for in every format."""

from __future__ import annotations

import json

import pytest

from mlmarket.cli import FORMATS

from support import EXAMPLES, run_cli

STACK = EXAMPLES / "sensitive_values"
SECRET = "planted-secret-7f3a9c"


def test_the_secret_is_really_planted():
    assert SECRET in (STACK / "main.tf").read_text()
    assert SECRET in (STACK / "plan.json").read_text()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("target", [STACK, STACK / "plan.json"], ids=["directory", "plan"])
def test_no_format_shows_a_sensitive_value(target, fmt):
    result = run_cli("scan", str(target), "--format", fmt)
    assert result.returncode == 1, result.stderr
    assert "CKV_MLM_001" in result.stdout
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("target", [STACK, STACK / "plan.json"], ids=["directory", "plan"])
def test_a_sensitive_image_is_unknown_not_judged(target):
    result = run_cli("scan", str(target), "--format", "json", "--check", "CKV_MLM_002")
    assert '"verdict":"UNKNOWN"' in result.stdout
    assert "the value is marked sensitive and is never read or shown" in result.stdout


SENSITIVE_PROVIDER = EXAMPLES / "fail_closed" / "sensitive_provider" / "plan.json"


def test_the_secret_is_planted_in_the_provider_plan_in_clear():
    plan = SENSITIVE_PROVIDER.read_text()
    assert f'"region":{{"value":"{SECRET}-region"}}' in plan  # the plan's `variables` hold sensitive values in clear
    assert f'"seller_accounts":{{"value":["{SECRET}-account"]}}' in plan


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_sensitive_provider_region_or_account_is_never_printed(fmt):
    result = run_cli("scan", str(SENSITIVE_PROVIDER), "--format", fmt)
    assert result.returncode == 1, result.stderr
    assert "CKV_MLM_001" in result.stdout
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_whole_resource_marked_sensitive_is_never_printed(tmp_path, fmt):
    # Terraform marks a whole object `true` in after_sensitive; the values under it are in clear in `after`.
    plan = json.loads((STACK / "plan.json").read_text())
    (change,) = plan["resource_changes"]
    change["change"]["after"]["name"] = f"{SECRET}-name"
    change["change"]["after"]["primary_container"][0]["image"] = f"{SECRET}.example.com/model:1"
    change["change"]["after_sensitive"] = True
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = run_cli("scan", str(path), "--format", fmt, "--strict")
    assert result.returncode == 1, result.stderr
    assert SECRET not in result.stdout + result.stderr
    if fmt == "json":  # nothing about it is judged: every rule for it is UNKNOWN
        verdicts = {r["verdict"] for r in json.loads(result.stdout)["results"]}
        assert verdicts == {"UNKNOWN"}
