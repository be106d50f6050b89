"""Real checkov runs with the mlmarket external checks (subprocesses; always --skip-download)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlmarket.checkov_plugin import checks_dir

pytestmark = pytest.mark.checkov


def checkov_bin() -> str:
    found = shutil.which("checkov", path=os.path.dirname(sys.executable)) or shutil.which("checkov")
    if found is None:
        pytest.skip("checkov is not installed")
    return found


def offline_env(**extra: str) -> dict[str, str]:
    """The environment the README documents for a checkov run that makes no network connection."""
    return {
        **os.environ,
        "BC_SKIP_MAPPING": "TRUE",
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
        "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
        **extra,
    }


def parse_reports(stdout: str) -> list[dict]:
    document = json.loads(stdout) if stdout.strip() else []
    return document if isinstance(document, list) else [document]


def run_checkov(*args: str, cwd: Path | None = None, quiet: bool = True) -> list[dict]:
    """Run checkov and return its reports (a list, one per framework)."""
    return run_checkov_with_exit_code(*args, cwd=cwd, quiet=quiet)[1]


def run_checkov_with_exit_code(
    *args: str, cwd: Path | None = None, quiet: bool = True, env: dict[str, str] | None = None
) -> tuple[int, list[dict]]:
    """Run checkov with mlmarket's checks; its exit code and its reports (a list, one per framework)."""
    command = [
        checkov_bin(),
        *args,
        "--external-checks-dir",
        checks_dir(),
        "--skip-download",
        "-o",
        "json",
        "--compact",
        *(["--quiet"] if quiet else []),
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env or offline_env(), timeout=600)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return result.returncode, parse_reports(result.stdout)


def mlmarket_records(reports: list[dict]) -> set[tuple[str, str, str, tuple[str, ...]]]:
    """Every CKV_MLM record of a checkov run: (check ID, resource, result, details)."""
    return {
        (r["check_id"], r["resource"], r["check_result"]["result"], tuple(r["details"]))
        for report in reports
        for key in ("passed_checks", "failed_checks", "skipped_checks")
        for r in report.get("results", {}).get(key, [])
        if r["check_id"].startswith("CKV_MLM_")
    }
