"""Nothing Terraform marks sensitive reaches any report: a planted secret is grepped for in every format."""

from __future__ import annotations

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
