"""The integrations, run for real: pre-commit with this repository's hook, the composite action's scan step,
and checkov driven by the documented configuration file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support import EXAMPLES, REPO

VIOLATING_TF = (EXAMPLES / "serverless_endpoint" / "main.tf").read_text()


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    )


@pytest.mark.slow
def test_pre_commit_runs_the_hook_from_this_repository(tmp_path):
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    project = tmp_path / "project"
    (project / "infra").mkdir(parents=True)
    (project / "infra" / "main.tf").write_text(VIOLATING_TF)
    (project / ".mlmarket.yaml").write_text('seller_account_id: "111122223333"\n')
    git("init", "-q", cwd=project)
    git("add", ".", cwd=project)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    # try-repo installs the hook from this repository's working tree into pre-commit's own environment.
    result = subprocess.run(
        [pre_commit, "try-repo", str(REPO), "mlmarket", "--all-files", "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "mlmarket (AWS Marketplace ML restrictions)" in output
    assert "Failed" in output
    assert "FAILED CKV_MLM_009 aws_sagemaker_endpoint_configuration.serverless" in output


def action_scan_script() -> tuple[str, dict[str, str]]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "scan"]
    return step["run"], step["env"]


def test_action_declares_the_documented_inputs():
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {
        "paths", "format", "output-file", "seller-account", "strict", "new-since", "fail-on"
    }
    assert action["inputs"]["format"]["default"] == "sarif"


def test_action_scan_step_writes_sarif_and_fails_on_findings(tmp_path):
    script, env_template = action_scan_script()
    assert set(env_template) == {
        "MLMARKET_PATHS",
        "MLMARKET_FORMAT",
        "MLMARKET_OUTPUT_FILE",
        "MLMARKET_SELLER",
        "MLMARKET_STRICT",
        "MLMARKET_NEW_SINCE",
        "MLMARKET_FAIL_ON",
    }
    outputs = tmp_path / "github_output"
    report = tmp_path / "mlmarket.sarif"
    env = {
        **os.environ,
        "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
        "MLMARKET_PATHS": f"{EXAMPLES / 'serverless_endpoint'} {EXAMPLES / 'compliant_endpoint' / 'plan.json'}",
        "MLMARKET_FORMAT": "sarif",
        "MLMARKET_OUTPUT_FILE": str(report),
        "MLMARKET_SELLER": "111122223333",
        "MLMARKET_STRICT": "false",
        "GITHUB_OUTPUT": str(outputs),
    }
    result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "FAILED CKV_MLM_009 aws_sagemaker_endpoint_configuration.serverless" in result.stdout
    sarif = json.loads(report.read_text())
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"] if r["level"] == "error"} == {"CKV_MLM_009"}
    assert outputs.read_text() == f"report={report}\n"
