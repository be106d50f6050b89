"""Shared plumbing of the generators that write Python modules from the real hashicorp/aws provider
(gen_provider_schema.py, gen_prebuilt_ecr_images.py): a hermetic, offline environment for terraform, and
writing the module or, with `--check`, reporting drift (exit 1 and a unified diff). The module's `UPDATED_AT`
only moves when the rest of the module changes, so a re-run on another day is not drift.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CLI_CONFIG_TEMPLATE = REPO_ROOT / "scripts" / "terraform.rc.tmpl"
_UPDATED_AT = re.compile(r'^UPDATED_AT = "[^"]*"$', re.MULTILINE)


def plugin_mirror() -> Path:
    return Path(os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins"))


def offline_environment(work: Path) -> dict[str, str]:
    """The environment of a terraform run that takes providers only from the filesystem mirror (its CLI
    configuration written into `work`) and reads no credentials, profile or variable of the caller."""
    rc_path = work / "terraform.rc"
    rc_path.write_text(CLI_CONFIG_TEMPLATE.read_text(encoding="utf-8").replace("@PLUGIN_MIRROR@", str(plugin_mirror())))
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(work),
        "TF_CLI_CONFIG_FILE": str(rc_path),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def check_argument(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and print a diff when the committed module is not what would be written",
    )
    return parser.parse_args()


def write_or_check(output: Path, generated: str, check: bool) -> int:
    committed = output.read_text(encoding="utf-8") if output.exists() else ""
    if _UPDATED_AT.search(committed) and _UPDATED_AT.sub("", committed) == _UPDATED_AT.sub("", generated):
        generated = committed  # only the date would change: not drift
    if check:
        if generated == committed:
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                generated.splitlines(keepends=True),
                fromfile=f"{output.name} (committed)",
                tofile=f"{output.name} (generated)",
            )
        )
        print(f"\n{output.name} is out of date: run `python {sys.argv[0]}` to regenerate it.")
        return 1
    output.write_text(generated, encoding="utf-8")
    print(f"wrote {output.relative_to(REPO_ROOT)}")
    return 0
