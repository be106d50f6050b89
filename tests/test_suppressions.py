"""Suppressions: `#checkov:skip` and `#mlmarket:skip` inside a resource block, in directories and in plans
whose source is given with --source-dir; reported as SKIPPED with the reason, or without one as such."""

from __future__ import annotations

import json
import shutil

import pytest

from support import EXAMPLES, run_cli

SKIP_LINE = 'resource "aws_sagemaker_endpoint_configuration" "serverless" {'


@pytest.fixture
def suppressed(tmp_path):
    shutil.copy(EXAMPLES / "serverless_endpoint" / "main.tf", tmp_path / "main.tf")
    shutil.copy(EXAMPLES / "serverless_endpoint" / "plan.json", tmp_path / "plan.json")
    return tmp_path


def add_comment(directory, comment: str) -> None:
    main = directory / "main.tf"
    main.write_text(main.read_text().replace(SKIP_LINE, f"{SKIP_LINE}\n  {comment}"))


def results(*args: str) -> tuple[int, dict[str, dict]]:
    result = run_cli("scan", *args, "--format", "json", "--check", "CKV_MLM_009", "--seller-account", "111122223333")
    return result.returncode, {r["address"]: r for r in json.loads(result.stdout)["results"]}


@pytest.mark.parametrize(
    "comment", ["#checkov:skip=CKV_MLM_009:retired in Q3", "# mlmarket:skip=CKV_MLM_009:retired in Q3"]
)
@pytest.mark.parametrize("from_plan", [False, True], ids=["directory", "plan_with_source_dir"])
def test_skip_with_reason(suppressed, comment, from_plan):
    add_comment(suppressed, comment)
    args = [str(suppressed / "plan.json"), "--source-dir", str(suppressed)] if from_plan else [str(suppressed)]
    code, found = results(*args)
    skipped = found["aws_sagemaker_endpoint_configuration.serverless"]
    assert code == 0
    assert (skipped["verdict"], skipped["message"]) == ("SKIPPED", "skipped: retired in Q3")
    assert skipped["file"].endswith("main.tf")
    assert isinstance(skipped["line"], int)


def test_skip_without_reason_is_reported_as_such(suppressed):
    add_comment(suppressed, "#checkov:skip=CKV_MLM_009")
    _, found = results(str(suppressed))
    assert found["aws_sagemaker_endpoint_configuration.serverless"]["message"] == "skipped without a reason"


def test_a_plan_without_its_source_dir_ignores_the_comments(suppressed):
    add_comment(suppressed, "#checkov:skip=CKV_MLM_009:retired in Q3")
    code, found = results(str(suppressed / "plan.json"))
    assert (code, found["aws_sagemaker_endpoint_configuration.serverless"]["verdict"]) == (1, "FAILED")


def test_config_file_skips_apply_to_every_resource(suppressed):
    (suppressed / ".mlmarket.yaml").write_text("skip:\n  - id: CKV_MLM_009\n    reason: batch-only product\n")
    code, found = results(str(suppressed / "plan.json"))
    assert code == 0
    assert {r["verdict"] for r in found.values()} == {"SKIPPED"}
    assert {r["message"] for r in found.values()} == {"skipped: batch-only product"}
