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


def run_checkov(*args: str, cwd: Path | None = None, quiet: bool = True) -> list[dict]:
    """Run checkov and return its reports (a list, one per framework)."""
    env = {
        **os.environ,
        "BC_SKIP_MAPPING": "TRUE",
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
        "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
    }
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
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    document = json.loads(result.stdout) if result.stdout.strip() else []
    return document if isinstance(document, list) else [document]
