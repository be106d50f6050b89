"""The fast path stays fast: `mlmarket scan plan.json` never imports checkov, boto3 or the HCL parser."""

from __future__ import annotations

import json
import subprocess
import sys

from support import EXAMPLES

HEAVY = ("checkov", "boto3", "botocore", "hcl2", "lark")

PROBE = f"""
import json, sys
from mlmarket.cli import main
code = main(sys.argv[1:])
heavy = sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r}))
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def probe(*args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_plan_scan_imports_neither_checkov_nor_boto3_nor_hcl2():
    plan = EXAMPLES / "rules" / "CKV_MLM_009" / "aws5" / "plan.json"
    outcome = probe("scan", str(plan), "--format", "json")
    assert outcome == {"code": 1, "heavy": []}


def test_version_imports_nothing_heavy():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mlmarket", "--version"], capture_output=True, text=True, timeout=60
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert result.stdout.startswith("mlmarket ")
    assert imported.isdisjoint({*HEAVY, "jsonschema", "yaml"})
