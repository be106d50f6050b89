"""The checkov plugin fails closed: no error, module layout or documented use turns a violation into exit 0.

Each test runs the real checkov and asserts its exit code and the exact CKV_MLM records it reports.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mlmarket.checkov_plugin import adapter, checks_dir, prescan
from mlmarket.model import Verdict
from mlmarket.rules import all_rules
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from conftest import checkov_bin, mlmarket_records, offline_env, parse_reports, run_checkov_with_exit_code
from support import EXAMPLES, REPO

pytestmark = pytest.mark.checkov
SERVERLESS = EXAMPLES / "serverless_endpoint"
UNKNOWN_NOTE = "UNKNOWN (reported as FAILED: mlmarket never passes what it cannot judge)"
SCAN_FAILED = "mlmarket could not scan the source (fail closed): "

# Loaded by every Python process of the run (checkov's and mlmarket's scan process): mlmarket's scan raises an
# unexpected error for any path under a directory named `fault`.
FAULT = """
import mlmarket.scan
_original = mlmarket.scan.scan_path
def scan_path(path, *args, **kwargs):
    if "/fault/" in path + "/":
        raise RuntimeError("injected fault\\nsecond line")
    return _original(path, *args, **kwargs)
mlmarket.scan.scan_path = scan_path
"""


def applicable(plan: Path) -> set[tuple[str, str]]:
    """(check ID, resource) for every CKV_MLM check checkov runs on the plan's resources."""
    resources = json.loads(plan.read_text())["planned_values"]["root_module"]["resources"]
    return {
        (rule.metadata.id, r["address"])
        for rule in all_rules()
        for r in resources
        if r["mode"] == "managed" and r["type"] in rule.metadata.resource_types
    }


@pytest.mark.parametrize("prescan_setting", ["1", "0"], ids=["child", "in-process"])
def test_an_unexpected_error_in_mlmarket_fails_every_check(tmp_path, prescan_setting):
    # One plan whose .mlmarket.yaml is nested deep enough for a RecursionError in a YAML reader (an input
    # error once settings.py bounds it: FAILED either way), one whose scan raises an error nobody expected.
    (tmp_path / ".git").mkdir()
    for name in ("deep", "fault"):
        (tmp_path / name).mkdir()
        shutil.copy(SERVERLESS / "plan.json", tmp_path / name / "plan.json")
    (tmp_path / "deep" / ".mlmarket.yaml").write_text("a: " + "[" * 20000 + "]" * 20000 + "\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(FAULT)
    env = offline_env(PYTHONPATH=str(tmp_path / "site"), **{prescan.DISABLE_ENV: prescan_setting})
    plans = [str(tmp_path / name / "plan.json") for name in ("deep", "fault")]
    code, reports = run_checkov_with_exit_code(
        "-f", plans[0], "-f", plans[1], "--framework", "terraform_plan", "-c", "CKV_MLM_*", env=env, quiet=False
    )
    assert code == 1
    records = mlmarket_records(reports)
    expected = {(check, address, "FAILED") for check, address in applicable(SERVERLESS / "plan.json")}
    assert len(expected) >= 10
    # checkov's records do not say which plan they came from: the details do (where in mlmarket the error
    # surfaced depends on the process: the scan process's entry point, or the adapter).
    fault = re.compile(
        re.escape(SCAN_FAILED)
        + r"internal error \(RuntimeError at mlmarket/[\w/]+\.py:\d+\): injected fault second line"
    )
    faulted = {(c, a, r) for c, a, r, details in records if len(details) == 1 and fault.fullmatch(details[0])}
    assert faulted == expected
    assert {(c, a, r) for c, a, r, details in records if not fault.fullmatch(details[0])} == expected
    for *_, details in records:
        assert len(details) == 1 and details[0].startswith(SCAN_FAILED) and "\n" not in details[0]


# Loaded by checkov's process: importing mlmarket's rules fails, as with a broken install.
BROKEN_INSTALL = """
import sys
sys.modules["mlmarket.rules"] = None
"""
UNLOADABLE = re.compile(
    r"mlmarket could not be loaded \(fail closed\): ModuleNotFoundError at \S+\.py:\d+: "
    r"import of mlmarket\.rules halted; None in sys\.modules"
)


def test_a_check_module_that_cannot_be_imported_fails_every_resource_it_would_judge(tmp_path):
    """checkov logs a check that raises on import and scans on without it: the stand-in check fails instead."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(BROKEN_INSTALL)
    env = offline_env(PYTHONPATH=str(tmp_path / "site"))
    code, reports = run_checkov_with_exit_code(
        "-d", str(SERVERLESS), "--framework", "terraform", "-c", "CKV_MLM_009,CKV_MLM_001", env=env, quiet=False
    )
    assert code == 1
    records = mlmarket_records(reports)
    assert {(c, a, r) for c, a, r, _ in records} == {
        ("CKV_MLM_009", "aws_sagemaker_endpoint_configuration.serverless", "FAILED"),
        ("CKV_MLM_009", "aws_sagemaker_endpoint_configuration.instance_based", "FAILED"),
        ("CKV_MLM_001", "aws_sagemaker_endpoint_configuration.serverless", "FAILED"),
        ("CKV_MLM_001", "aws_sagemaker_endpoint_configuration.instance_based", "FAILED"),
        *{("CKV_MLM_009", address, "FAILED") for address in _other_judged_resources()},
        *{("CKV_MLM_001", address, "FAILED") for address in _other_judged_resources()},
    }
    for *_, details in records:
        assert len(details) == 1 and UNLOADABLE.fullmatch(details[0]), details


def _other_judged_resources() -> set[str]:
    """The serverless example's resources, other than the two endpoint configurations, whose types the
    stand-in check covers."""
    from fnmatch import fnmatchcase

    from mlmarket.checkov_plugin.unloadable import JUDGED_TYPE_PATTERNS

    resources = json.loads((SERVERLESS / "plan.json").read_text())["planned_values"]["root_module"]["resources"]
    return {
        r["address"]
        for r in resources
        if r["mode"] == "managed"
        and r["type"] != "aws_sagemaker_endpoint_configuration"
        and any(fnmatchcase(r["type"], p) for p in JUDGED_TYPE_PATTERNS)
    }


MODULE = """
variable "isolate" {
  type = bool
}
resource "aws_sagemaker_model" "this" {
  name                     = "model"
  execution_role_arn       = "arn:aws:iam::111122223333:role/sagemaker"
  enable_network_isolation = var.isolate
  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/model:1"
  }
}
"""
WRAPPER = """
variable "isolate" {
  type = bool
}
module "inner" {
  source  = "../m"
  isolate = var.isolate
}
"""
ROOT = """
provider "aws" {
  region = "us-east-1"
}
variable "isolate" {
  type    = bool
  default = %s
}
module "m" {
  source  = "../modules/m"
  isolate = var.isolate
}
module "wrapper" {
  source  = "../modules/wrapper"
  isolate = var.isolate
}
"""


def test_a_module_called_by_two_roots_reports_each_roots_verdict(tmp_path):
    # prod and dev call one module, directly and through another module; only dev turns isolation off.
    for name, text in {"modules/m": MODULE, "modules/wrapper": WRAPPER}.items():
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "main.tf").write_text(text)
    for root, isolate in (("prod", "true"), ("dev", "false")):
        (tmp_path / root).mkdir()
        (tmp_path / root / "main.tf").write_text(ROOT % isolate)
    code, reports = run_checkov_with_exit_code(
        "-d", ".", "--framework", "terraform", "-c", "CKV_MLM_001", cwd=tmp_path, quiet=False
    )
    assert code == 1
    passed = ("in root module prod: enable_network_isolation is true",)
    failed = ("in root module dev: enable_network_isolation is false; Marketplace runs ML products network-isolated",)
    assert mlmarket_records(reports) == {
        ("CKV_MLM_001", address, result, details)
        for address in ("module.m.aws_sagemaker_model.this", "module.wrapper.module.inner.aws_sagemaker_model.this")
        for result, details in (("PASSED", passed), ("FAILED", failed))
    }


def test_where_checkov_does_not_say_which_root_calls_the_worst_root_speaks():
    rows = [
        ("CKV_MLM_001", "modules/m/main.tf", "module.m.aws_sagemaker_model.this", verdict, message, root)
        for verdict, message, root in (
            ("PASSED", "enable_network_isolation is true", "prod"),
            ("FAILED", "enable_network_isolation is false", "dev"),
            ("UNKNOWN", "enable_network_isolation cannot be resolved", "test"),
        )
    ]
    index = adapter._Index(rows, is_plan=False)
    file = os.path.abspath("modules/m/main.tf")
    assert index.lookup("CKV_MLM_001", file, "module.m.aws_sagemaker_model.this", None) == (
        Verdict.FAILED,
        "in root module dev: enable_network_isolation is false; "
        "in root module test: enable_network_isolation cannot be resolved",
    )
    assert index.lookup("CKV_MLM_001", file, "module.m.aws_sagemaker_model.this", os.path.abspath("prod")) == (
        Verdict.PASSED,
        "in root module prod: enable_network_isolation is true",
    )


# The documented ways to run checkov, as written: the README's checkov section and the shipped config file.
def readme_commands() -> list[str]:
    section = (REPO / "README.md").read_text().split("### checkov users", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.startswith("checkov ")]


CONFIG = REPO / "docs" / "integrations" / "checkov.yaml"


def config_commands() -> list[str]:
    return [m.group(1) for m in re.finditer(r"^#[ \t]+(\S.*\bcheckov --config-file .*)$", CONFIG.read_text(), re.M)]


def expected_records(path: Path) -> set[tuple[str, str, str, tuple[str, ...]]]:
    """What checkov must report for mlmarket's own verdicts (UNKNOWN as FAILED, saying so)."""
    shown = {Verdict.PASSED: "PASSED", Verdict.FAILED: "FAILED", Verdict.UNKNOWN: "FAILED"}
    return {
        (
            r.rule_id,
            r.address,
            shown[r.verdict],
            (UNKNOWN_NOTE, r.message) if r.verdict is Verdict.UNKNOWN else (r.message,),
        )
        for r in scan_path(str(path), Settings())
    }


@pytest.fixture(scope="module")
def documented_runs(tmp_path_factory):
    """Every documented command, run in a copy of a violating stack with a `kubectl` first on PATH that
    records each call. The shipped config file is copied under the name its own instructions give."""
    work = tmp_path_factory.mktemp("documented")
    stack = work / "stack"
    shutil.copytree(SERVERLESS, stack)
    commands = readme_commands() + config_commands()
    config_name = re.search(r"--config-file (\S+)", config_commands()[0])
    assert config_name is not None
    shutil.copy(CONFIG, stack / config_name.group(1))
    fake = work / "fake-bin"
    fake.mkdir()
    calls = work / "kubectl-calls"
    (fake / "kubectl").write_text(f'#!/bin/sh\necho "kubectl $*" >> {calls}\nexit 1\n')
    (fake / "kubectl").chmod(0o755)
    tools = os.path.dirname(checkov_bin())
    assert os.path.exists(os.path.join(tools, "mlmarket"))
    env = offline_env(PATH=os.pathsep.join([str(fake), tools, os.environ.get("PATH", "")]))

    def run(command: str, path: str | None = None) -> tuple[int, list[dict]]:
        result = subprocess.run(
            ["bash", "-c", command + " -o json --compact"],
            cwd=stack,
            env=env if path is None else {**env, "PATH": path},
            capture_output=True,
            text=True,
            timeout=600,
        )
        return result.returncode, parse_reports(result.stdout) if result.returncode in (0, 1) else []

    runs = {command: run(command) for command in commands}
    documented_calls = calls.read_text() if calls.exists() else ""
    # Controls: checkov without `--framework` does start the fake kubectl (so the check above can see it), and
    # the config file's command stops when mlmarket is not installed.
    control = f"checkov -d . --external-checks-dir {checks_dir()} --skip-download"
    run(control)
    control_calls = calls.read_text() if calls.exists() else ""
    only_checkov = work / "only-checkov"
    only_checkov.mkdir()
    (only_checkov / "checkov").symlink_to(checkov_bin())
    without_mlmarket = run(config_commands()[0], path=os.pathsep.join([str(fake), str(only_checkov), "/usr/bin:/bin"]))
    return {
        "stack": stack,
        "runs": runs,
        "kubectl": documented_calls,
        "control_kubectl": control_calls,
        "without_mlmarket": without_mlmarket,
    }


def test_the_shipped_checkov_config_used_as_documented_runs_mlmarkets_checks(documented_runs):
    stack = documented_runs["stack"]
    commands = config_commands()
    assert len(commands) == 2 and all('--external-checks-dir "$dir"' in command for command in commands)
    assert "external-checks-dir" not in _uncommented(CONFIG)  # no path in the file: nothing left to edit
    for command in commands:
        code, reports = documented_runs["runs"][command]
        target = stack / "plan.json" if " -f plan.json" in command else stack
        assert code == 1, command
        assert mlmarket_records(reports) == expected_records(target), command
        assert (
            "CKV_MLM_009",
            "aws_sagemaker_endpoint_configuration.serverless",
            "FAILED",
            (
                "production_variants[0] (variant 'primary') uses serverless_config; "
                "Marketplace supports only instance-based variants",
            ),
        ) in mlmarket_records(reports)
    # Without mlmarket installed the documented command stops before checkov runs: no silent empty scan.
    assert documented_runs["without_mlmarket"] == (127, [])


def _uncommented(path: Path) -> str:
    return "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))


def test_the_documented_checkov_commands_never_start_kubectl(documented_runs):
    stack = documented_runs["stack"]
    assert len(documented_runs["runs"]) == 4
    for command, (code, reports) in documented_runs["runs"].items():
        target = stack / "plan.json" if " -f plan.json" in command else stack
        assert code == 1, command
        assert mlmarket_records(reports) == expected_records(target), command
    assert documented_runs["kubectl"] == ""
    assert documented_runs["control_kubectl"].startswith("kubectl version")
