"""The checkov plugin's early scan in a child process: used when it can be, the same verdicts either way."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mlmarket.checkov_plugin import checks_dir, prescan
from mlmarket.errors import InputError
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from conftest import checkov_bin, offline_env, run_checkov
from support import EXAMPLES

pytestmark = pytest.mark.checkov
SERVERLESS = EXAMPLES / "serverless_endpoint"
VIOLATING = EXAMPLES / "violating_stack"
MULTI_REGION = EXAMPLES / "multi_region"

# Runs checkov in-process, then prints which targets the child served and which the checks scanned in-process.
PROBE = """
import json, sys
from checkov.main import Checkov
import mlmarket.scan
from mlmarket.checkov_plugin import prescan
in_process = []
original = mlmarket.scan.scan_path
def recording_scan_path(path, *args, **kwargs):
    in_process.append(path)
    return original(path, *args, **kwargs)
mlmarket.scan.scan_path = recording_scan_path
Checkov(argv=sys.argv[1:]).run()
print("PROBE " + json.dumps({"collected": prescan.collected, "started": prescan.started, "in_process": in_process}))
"""


def probe(*args: str, env: dict[str, str] | None = None) -> dict[str, list[str]]:
    command = [sys.executable, "-c", PROBE, *args, "--skip-download", "--external-checks-dir", checks_dir()]
    full_env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", **(env or {})}
    result = subprocess.run(
        [*command, "-o", "json", "--quiet", "--compact"], capture_output=True, text=True, env=full_env, timeout=600
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("PROBE ")]
    assert len(lines) == 1, result.stderr[-2000:]
    return json.loads(lines[0][len("PROBE ") :])


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (("-d", str(SERVERLESS), "--framework", "terraform"), SERVERLESS),
        (("-f", str(SERVERLESS / "plan.json"), "--framework", "terraform_plan"), SERVERLESS / "plan.json"),
    ],
    ids=["directory", "plan"],
)
def test_the_checks_take_their_verdicts_from_the_child(args, target):
    assert probe(*args) == {"collected": [str(target)], "started": [str(target)], "in_process": []}


def test_no_child_starts_when_the_run_filters_every_mlmarket_check_out():
    args = ("-d", str(SERVERLESS), "--framework", "terraform", "-c", "CKV_AWS_41")
    assert probe(*args) == {"collected": [], "started": [], "in_process": []}


def test_with_the_prescan_off_the_checks_scan_in_process():
    args = ("-d", str(SERVERLESS), "--framework", "terraform")
    expected = {"collected": [], "started": [], "in_process": [str(SERVERLESS)]}
    assert probe(*args, env={prescan.DISABLE_ENV: "0"}) == expected


def records(reports: list[dict]) -> set[tuple[str, str, str, str, tuple[str, ...]]]:
    return {
        (r["check_id"], r["file_abs_path"], r["resource"], r["check_result"]["result"], tuple(r["details"]))
        for report in reports
        for key in ("passed_checks", "failed_checks", "skipped_checks")
        for r in report.get("results", {}).get(key, [])
    }


@pytest.mark.parametrize(
    "args",
    [
        ("-d", str(VIOLATING), "--framework", "terraform"),
        ("-f", str(VIOLATING / "plan.json"), "-f", str(MULTI_REGION / "plan.json"), "--framework", "terraform_plan"),
    ],
    ids=["directory", "plans"],
)
def test_child_and_in_process_scans_give_checkov_the_same_records(args, monkeypatch):
    with_child = records(run_checkov(*args, "-c", "CKV_MLM_*", quiet=False))
    monkeypatch.setenv(prescan.DISABLE_ENV, "0")
    in_process = records(run_checkov(*args, "-c", "CKV_MLM_*", quiet=False))
    assert with_child == in_process
    assert {r[3] for r in with_child} == {"PASSED", "FAILED"}
    assert len(with_child) >= 20


class FakePlanRunner:
    """Stands in for checkov's plan runner: the prescan finds the scanned files in its `run` frame."""

    def run(self, root_folder=None, files=None):
        prescan.start_for_current_run(check=None)
        return [prescan.collect(os.path.abspath(f)) for f in files]


FakePlanRunner.__module__ = "checkov.terraform.plan_runner"


def test_an_unreadable_plan_fails_with_the_same_one_line_error_as_in_process(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "resource_changes": {}}')
    with pytest.raises(InputError) as in_process:
        scan_path(str(plan), Settings())
    assert FakePlanRunner().run(files=[str(plan)]) == [prescan.ScanFailed(in_process.value.one_line())]
    assert in_process.value.one_line().endswith("resource_changes is not a list")


def test_one_child_serves_every_plan_of_a_run():
    plans = [str(SERVERLESS / "plan.json"), str(MULTI_REGION / "plan.json")]
    outcomes = FakePlanRunner().run(files=plans)
    for plan, outcome in zip(plans, outcomes, strict=True):
        expected = {(r.rule_id, r.address, r.verdict.value, r.message) for r in scan_path(plan, Settings())}
        assert isinstance(outcome, prescan.Verdicts)
        assert {(rule, address, verdict, message) for rule, _, address, verdict, message, _ in outcome.rows} == expected


@pytest.mark.parametrize(
    ("executable", "error"),
    [
        ("/bin/false", "mlmarket's scan process exited with code 1"),  # dies at once, printing nothing
        ("/bin/echo", "mlmarket's scan process printed output that cannot be read"),  # prints its arguments
    ],
    ids=["dies", "unreadable-output"],
)
def test_a_child_that_dies_or_prints_garbage_fails_every_check(monkeypatch, executable, error):
    # Fail closed: whatever killed the child might kill checkov too, so it is not retried in-process.
    monkeypatch.setattr(sys, "executable", executable)
    plans = [str(SERVERLESS / "plan.json"), str(MULTI_REGION / "plan.json")]
    outcomes = FakePlanRunner().run(files=plans)
    assert all(isinstance(o, prescan.ScanFailed) and o.message.startswith(error) for o in outcomes), outcomes
    assert len(outcomes) == 2


def test_a_child_that_cannot_start_leaves_the_scan_to_the_checks(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert FakePlanRunner().run(files=[str(SERVERLESS / "plan.json")]) == [None]


def test_no_child_starts_outside_a_checkov_runner():
    prescan.start_for_current_run(check=None)
    assert prescan.collect(str(SERVERLESS)) is None


TWICE = """
import json, pathlib, sys
from checkov.runner_filter import RunnerFilter
from checkov.terraform.runner import Runner
stack = pathlib.Path(sys.argv[1])
verdicts = []
for attempt in range(2):
    if attempt == 1:  # the seller fixes the endpoint between two runs of one long-lived process
        main = stack / "main.tf"
        main.write_text(main.read_text().replace("serverless_config", "x_config"))
    report = Runner().run(
        root_folder=str(stack),
        external_checks_dir=[sys.argv[2]] if attempt == 0 else None,
        runner_filter=RunnerFilter(framework=["terraform"], checks=["CKV_MLM_009"]),
    )
    for record in report.failed_checks + report.passed_checks:
        verdicts.append((attempt, record.resource, record.check_result["result"].name))
print("TWICE " + json.dumps(sorted(verdicts)))
"""


@pytest.mark.parametrize("prescan_setting", ["1", "0"], ids=["child", "in-process"])
def test_a_second_run_in_one_process_sees_the_changed_source(tmp_path, prescan_setting):
    # A program that runs checkov's terraform runner twice (fresh runners; the checks loaded once) after an
    # in-place edit, which leaves the directory's mtime alone.
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text((SERVERLESS / "main.tf").read_text())
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
    env[prescan.DISABLE_ENV] = prescan_setting
    result = subprocess.run(
        [sys.executable, "-c", TWICE, str(stack), checks_dir()], capture_output=True, text=True, env=env, timeout=600
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("TWICE ")]
    assert len(lines) == 1, result.stderr[-2000:]
    verdicts = {tuple(v) for v in json.loads(lines[0][len("TWICE ") :])}
    serverless = "aws_sagemaker_endpoint_configuration.serverless"
    instance_based = "aws_sagemaker_endpoint_configuration.instance_based"
    assert verdicts == {
        (0, serverless, "FAILED"),
        (0, instance_based, "PASSED"),
        (1, serverless, "PASSED"),
        (1, instance_based, "PASSED"),
    }


@pytest.mark.parametrize("prescan_setting", ["1", "0"], ids=["child", "in-process"])
def test_a_warning_of_the_scan_reaches_checkovs_stderr_once(tmp_path, prescan_setting):
    """A configuration that skips every rule is said once, whether the scan ran in the child or in-process."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text((EXAMPLES / "serverless_endpoint" / "main.tf").read_text())
    skips = "".join(f"  - id: CKV_MLM_{n:03d}\n    reason: every rule off\n" for n in range(1, 20))
    (tmp_path / ".mlmarket.yaml").write_text("skip:\n" + skips)
    result = subprocess.run(
        [checkov_bin(), "-d", str(tmp_path), "--framework", "terraform", "--external-checks-dir", checks_dir(),
         "--skip-download", "-c", "CKV_MLM_009", "--quiet", "--compact", "-o", "json"],
        capture_output=True, text=True, timeout=600,
        env={**offline_env(), "MLMARKET_CHECKOV_PRESCAN": prescan_setting},
    )
    warnings = [line for line in result.stderr.splitlines() if line.startswith("mlmarket: warning:")]
    assert warnings == [f"mlmarket: warning: {tmp_path}/.mlmarket.yaml skips every rule; nothing is checked"]
