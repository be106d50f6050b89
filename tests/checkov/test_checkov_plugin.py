"""The checkov plugin, run for real: `checkov -d` and `checkov -f plan.json` report mlmarket's verdicts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mlmarket.checkov_plugin import checks_dir
from mlmarket.rules import rule_ids

from conftest import run_checkov
from support import EXAMPLES

pytestmark = pytest.mark.checkov
SERVERLESS = EXAMPLES / "serverless_endpoint"
DOCS = "https://github.com/mlmarket/mlmarket/blob/main/docs/rules/CKV_MLM_009.md"


def records(reports: list[dict], check_id: str) -> dict[str, dict]:
    found = {}
    for report in reports:
        for key in ("failed_checks", "passed_checks"):
            for record in report.get("results", {}).get(key, []):
                if record["check_id"] == check_id:
                    found[record["resource"]] = record
    return found


@pytest.mark.parametrize(
    "args",
    [
        ("-d", str(SERVERLESS), "--framework", "terraform"),
        ("-f", str(SERVERLESS / "plan.json"), "--framework", "terraform_plan"),
    ],
    ids=["directory", "plan"],
)
def test_checkov_reports_the_serverless_endpoint(args):
    found = records(run_checkov(*args, "-c", "CKV_MLM_009", quiet=False), "CKV_MLM_009")
    assert {address: r["check_result"]["result"] for address, r in found.items()} == {
        "aws_sagemaker_endpoint_configuration.serverless": "FAILED",
        "aws_sagemaker_endpoint_configuration.instance_based": "PASSED",
    }
    failed = found["aws_sagemaker_endpoint_configuration.serverless"]
    assert failed["details"] == [
        "production_variants[0] (variant 'primary') uses serverless_config; "
        "Marketplace supports only instance-based variants"
    ]
    assert failed["guideline"] == DOCS


def test_every_mlmarket_check_registers_in_a_real_checkov_run():
    probe = (
        "import sys\n"
        "from checkov.main import Checkov\n"
        "from checkov.terraform.checks.resource.registry import resource_registry\n"
        "Checkov(argv=sys.argv[1:]).run()\n"
        "ids = sorted({c.id for checks in resource_registry.checks.values() for c in checks"
        " if c.id.startswith('CKV_MLM_')})\n"
        "print('REGISTERED', ','.join(ids))\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            "-d",
            str(SERVERLESS),
            "--framework",
            "terraform",
            "--skip-download",
            "--external-checks-dir",
            checks_dir(),
            "--quiet",
            "--compact",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"},
    )
    line = [ln for ln in result.stdout.splitlines() if ln.startswith("REGISTERED ")]
    assert line, result.stdout[-1000:] + result.stderr[-2000:]
    assert line[0].split(" ", 1)[1].split(",") == list(rule_ids())
