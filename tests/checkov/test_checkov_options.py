"""checkov's own options that change what a Terraform directory means reach mlmarket's reader: `--var-file`
(repeatable, in order) and `--external-modules-download-path`, with the prescan child and in checkov's process."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import offline_env, run_checkov_with_exit_code

pytestmark = pytest.mark.checkov

ROOT = """
provider "aws" {
  region = "us-east-1"
}
variable "isolated" {
  type    = bool
  default = true
}
resource "aws_sagemaker_model" "by_variable" {
  name                     = "by-variable"
  execution_role_arn       = "arn:aws:iam::111122223333:role/r"
  enable_network_isolation = var.isolated
  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1"
  }
}
module "settings" {
  source  = "acme/settings/aws"
  version = "1.2.0"
}
resource "aws_sagemaker_model" "by_module" {
  name                     = "by-module"
  execution_role_arn       = "arn:aws:iam::111122223333:role/r"
  enable_network_isolation = module.settings.isolated
  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1"
  }
}
"""


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(ROOT)
    (tmp_path / "first.tfvars").write_text("isolated = false\n")
    (tmp_path / "second.tfvars").write_text("isolated = true\n")
    downloaded = tmp_path / "downloads/registry.terraform.io/acme/settings/aws/1.2.0"
    downloaded.mkdir(parents=True)
    (downloaded / "main.tf").write_text('output "isolated" {\n  value = false\n}\n')
    return tmp_path


def outcomes(stack: Path, *args: str, prescan: str) -> dict[str, tuple[str, str]]:
    _, reports = run_checkov_with_exit_code(
        "-d", str(stack), "--framework", "terraform", "-c", "CKV_MLM_001", *args,
        env=offline_env(MLMARKET_CHECKOV_PRESCAN=prescan), quiet=False,
    )
    found = {}
    for report in reports:
        for key in ("failed_checks", "passed_checks"):
            for record in report.get("results", {}).get(key, []):
                found[record["resource"]] = (record["check_result"]["result"], " ".join(record.get("details") or []))
    return found


@pytest.mark.parametrize("prescan", ["1", "0"], ids=["prescan", "in-process"])
def test_var_files_apply_in_order_and_downloaded_modules_are_read(stack, prescan):
    first_then_second = outcomes(
        stack, "--var-file", str(stack / "first.tfvars"), "--var-file", str(stack / "second.tfvars"),
        "--external-modules-download-path", "downloads", prescan=prescan,
    )
    assert first_then_second["aws_sagemaker_model.by_variable"][0] == "PASSED"
    assert first_then_second["aws_sagemaker_model.by_module"] == (
        "FAILED", "enable_network_isolation is false; Marketplace runs ML products network-isolated",
    )
    only_first = outcomes(stack, "--var-file", str(stack / "first.tfvars"), prescan=prescan)
    assert only_first["aws_sagemaker_model.by_variable"][0] == "FAILED"
    # Without the download folder the module is not read: its output is unknown, never a pass.
    assert only_first["aws_sagemaker_model.by_module"][0] == "FAILED"
    assert "not installed" in only_first["aws_sagemaker_model.by_module"][1]
