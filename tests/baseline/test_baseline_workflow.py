"""The documented two-scan workflow, run for real: the action's scan step on a base checkout, then on the head
with `new-since` and `fail-on: new`, each with the inputs docs/integrations/github-workflow.yml gives it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from baseline_helpers import FIXTURES
from support import REPO

WORKFLOW = yaml.safe_load((REPO / "docs/integrations/github-workflow.yml").read_text())
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
JOB = WORKFLOW["jobs"]["mlmarket-new-findings"]


def action_steps() -> list[dict]:
    return [step for step in JOB["steps"] if step.get("uses", "").startswith("mlmarket/mlmarket@")]


def test_the_job_checks_out_base_and_head_side_by_side():
    checkouts = [step for step in JOB["steps"] if step.get("uses", "").startswith("actions/checkout@")]
    assert [step["with"].get("path") for step in checkouts] == ["head", "base"]
    assert checkouts[1]["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    base, head = action_steps()
    assert (base["with"]["format"], base.get("continue-on-error")) == ("json", True)
    assert head["with"]["new-since"] == base["with"]["output-file"]
    assert (head["with"]["fail-on"], head.get("continue-on-error")) == ("new", None)
    assert set(head["with"]) <= set(ACTION["inputs"])


def run_action_step(step: dict, workspace) -> subprocess.CompletedProcess[str]:
    """The action's scan step with this workflow step's inputs (the action's defaults for the others)."""
    (scan,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == "scan"]
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update({name: str(value) for name, value in step["with"].items()})
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
    env.pop("MLMARKET_SELLER_ACCOUNT", None)
    for name, template in scan["env"].items():
        (input_name,) = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", template).groups()
        env[name] = inputs[input_name]
    return subprocess.run(["bash", "-c", scan["run"]], cwd=workspace, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize(("head_tree", "head_code", "first_line"), [
    ("after_added", 1, "**mlmarket**: 4 failed, 0 unknown, 28 passed, 0 skipped; 1 new, 3 existing: **failing**"),
    ("after_moved", 0, "**mlmarket**: 3 failed, 0 unknown, 23 passed, 0 skipped; 0 new, 3 existing: "
                       "**no new findings**"),
])
def test_the_two_scans_gate_on_what_the_change_adds(tmp_path, head_tree, head_code, first_line):
    for checkout, tree in (("base", "before"), ("head", head_tree)):
        shutil.copytree(FIXTURES / tree, tmp_path / checkout / "infra")
        (tmp_path / checkout / ".git").mkdir()
    base_step, head_step = action_steps()
    base = run_action_step(base_step, tmp_path)
    assert base.returncode == 1, base.stderr  # the base's own findings: the step continues on error
    head = run_action_step(head_step, tmp_path)
    assert head.returncode == head_code, head.stderr
    assert (tmp_path / "mlmarket.md").read_text().splitlines()[0] == first_line
