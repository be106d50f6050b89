"""Source readers: each turns one kind of input into normalized Stacks."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from mlmarket.errors import InputError
from mlmarket.model import Stack


def read_path(path: str, variables: Sequence[tuple[str, str]] = ()) -> list[Stack]:
    """A Terraform directory (every root module under it) or a `terraform show -json` plan file. `variables`:
    for directories, `--var-file`/`--var`/`--workspace` and checkov's options, in order (see `read_directory`);
    a plan holds its variables' values and its workspace's resources."""
    if os.path.isdir(path):
        from mlmarket.readers.hcl import read_directory

        stacks = read_directory(path, variables)
    elif not os.path.lexists(path):
        raise InputError(path, "no such file or directory")
    elif path.endswith(".tf"):
        raise InputError(path, "pass the directory that holds this file (a root module), not a single .tf file")
    else:
        from mlmarket.readers.plan_json import read_plan

        stacks = [read_plan(path)]
    for stack in stacks:
        _check_pipeline_definitions(stack)
    return stacks


def _check_pipeline_definitions(stack: Stack) -> None:
    """A pipeline definition that is not JSON is invalid Terraform (the provider refuses it): an input error."""
    for resource in stack.resources:
        definition = resource.get("pipeline_definition") if resource.type == "aws_sagemaker_pipeline" else None
        if not isinstance(definition, str):
            continue
        try:
            json.loads(definition)
        except (ValueError, RecursionError):
            problem = f"{resource.address}: pipeline_definition is not valid JSON"
            raise InputError(resource.file or stack.source, problem, line=resource.line) from None
