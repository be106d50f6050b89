"""Source readers: each turns one kind of input into normalized Stacks."""

from __future__ import annotations

import os

from mlmarket.errors import InputError
from mlmarket.model import Stack


def read_path(path: str) -> list[Stack]:
    """A Terraform directory (every root module under it) or a `terraform show -json` plan file."""
    if os.path.isdir(path):
        from mlmarket.readers.hcl import read_directory

        return read_directory(path)
    if not os.path.lexists(path):
        raise InputError(path, "no such file or directory")
    if path.endswith(".tf"):
        raise InputError(
            path, "pass the directory that holds this file (a root module), not a single .tf file"
        )
    from mlmarket.readers.plan_json import read_plan

    return [read_plan(path)]
