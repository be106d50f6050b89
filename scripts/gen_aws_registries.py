"""Generate `aws_registries.json`: the AWS-owned ECR registries of SageMaker images.

Source: the `image_uri_config/*.json` files that the PyPI package `sagemaker-core` ships in
`sagemaker/core/image_uri_config/` (built-in algorithms, Deep Learning Containers, Neo, Clarify, ...).
Every `registries` block (region -> 12-digit account), at any depth of any file, is collected.
Run it where sagemaker-core is installed (the project uses /work/gen-venv):

    /work/gen-venv/bin/python scripts/gen_aws_registries.py [--check]
"""

from __future__ import annotations

import collections
import importlib.metadata
import importlib.resources
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import _canonical

CONFIG_PACKAGE = "sagemaker.core"
CONFIG_DIR = "image_uri_config"
ACCOUNT = re.compile(r"^[0-9]{12}$")


def iter_registries(node: Any) -> Iterator[dict[str, str]]:
    """Every `registries` mapping anywhere below `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "registries" and isinstance(value, dict):
                yield value
            else:
                yield from iter_registries(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_registries(item)


def build() -> dict[str, Any]:
    config_dir = importlib.resources.files(CONFIG_PACKAGE).joinpath(CONFIG_DIR)
    regions: dict[str, set[str]] = collections.defaultdict(set)
    # account -> framework -> number of image versions that point at the account
    uses: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    files = sorted(
        (entry for entry in config_dir.iterdir() if entry.name.endswith(".json")),
        key=lambda entry: entry.name,
    )
    if not files:
        raise SystemExit(f"no {CONFIG_DIR}/*.json found in {CONFIG_PACKAGE}")
    for entry in files:
        framework = entry.name.removesuffix(".json")
        for registries in iter_registries(json.loads(entry.read_text(encoding="utf-8"))):
            for region, account in registries.items():
                if not ACCOUNT.match(account):
                    raise SystemExit(f"{entry.name}: {region} -> {account!r} is not a 12-digit account")
                regions[account].add(region)
                uses[account][framework] += 1

    registries_out = {
        account: {
            "regions": sorted(regions[account]),
            # Most-used framework first, so that a short description names the typical images.
            "frameworks": sorted(uses[account], key=lambda name: (-uses[account][name], name)),
        }
        for account in sorted(regions)
    }
    return {
        "source": (
            "PyPI package sagemaker-core, sagemaker/core/image_uri_config/*.json: every `registries` "
            "block (region -> AWS account that hosts SageMaker built-in algorithm, Deep Learning "
            "Container and other AWS-provided images)"
        ),
        "generator": "scripts/gen_aws_registries.py",
        "sagemaker_core_version": importlib.metadata.version("sagemaker-core"),
        "registries": registries_out,
    }


if __name__ == "__main__":
    sys.exit(_canonical.main("aws_registries.json", build, __doc__.splitlines()[0]))
