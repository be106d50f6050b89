"""One scan: read each path into stacks, apply the settings, run the rules. Shared by the CLI and checkov."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace

from mlmarket import settings as settings_module
from mlmarket.engine import Result, evaluate
from mlmarket.model import Resource, Stack, strip_instance_keys
from mlmarket.readers import read_path
from mlmarket.readers.api_request import request_operation
from mlmarket.rules import all_rules
from mlmarket.rules.base import Rule
from mlmarket.settings import Settings


def scan_path(
    path: str,
    overrides: Settings,
    config_path: str | None = None,
    rules: Sequence[Rule] | None = None,
    source_dir: str | None = None,
    unread_modules: list[str] | None = None,
    variables: Sequence[tuple[str, str]] = (),
    *,
    request: str | None = None,
    region: str | None = None,
) -> list[Result]:
    """Results of every rule on every stack under `path`; module calls that could not be read (registry, git)
    are added to `unread_modules`, as `<stack>: module.x (source "...")`. A SageMaker API request file (named
    `*.<Operation>.json`, or any file with `request` = the operation) is judged as the request it holds, sent to
    `region` (else AWS_REGION, AWS_DEFAULT_REGION, the publishing region)."""
    resolved = settings_module.resolve(path, overrides, config_path)
    chosen = all_rules() if rules is None else rules
    settings_module.warn_if_nothing_checked(resolved, (rule.metadata.id for rule in chosen))
    operation = request_operation(path, request)
    if operation is not None:
        from mlmarket.readers.api_request import read_request, request_region

        stack = read_request(path, operation, request_region(region, resolved.publishing_region))
        return _with_severity(judge_request(stack, operation, resolved, chosen), resolved)
    sources = _source_index(source_dir) if source_dir and not os.path.isdir(path) else {}
    results: list[Result] = []
    for stack in read_path(path, variables):
        if unread_modules is not None:
            unread_modules.extend(f"{stack.source}: {call}" for call in stack.unread_modules)
        _enrich_from_source(stack, sources)
        settings_module.apply(stack, resolved)
        results.extend(evaluate(stack, chosen, resolved.skips))
    return _with_severity(results, resolved)


def _with_severity(results: list[Result], resolved: Settings) -> list[Result]:
    if not resolved.severity:
        return results
    return [replace(r, severity=resolved.severity.get(r.rule_id, r.severity)) for r in results]


def judge_request(stack: Stack, operation: str, resolved: Settings, rules: Sequence[Rule]) -> list[Result]:
    """The rules' results on the stack of one SageMaker API request (a file, or a call the guard sees), their
    messages in the request's words and their resource type the operation (what the user wrote, not the
    resource type of the rules' model)."""
    from mlmarket.readers.api_request import ApiWording

    settings_module.apply(stack, resolved)
    results = evaluate(stack, rules, resolved.skips)
    wordings = {resource.address: ApiWording(operation, resource.name) for resource in stack.resources}
    for result in results:
        result.message = wordings[result.address].say(result.message)
        result.resource_type = operation
    return results


def scan_paths(
    paths: Iterable[str],
    overrides: Settings,
    config_path: str | None = None,
    rules: Sequence[Rule] | None = None,
    source_dir: str | None = None,
    unread_modules: list[str] | None = None,
    variables: Sequence[tuple[str, str]] = (),
    *,
    request: str | None = None,
    region: str | None = None,
) -> list[Result]:
    results: list[Result] = []
    for path in paths:
        results.extend(
            scan_path(
                path, overrides, config_path, rules, source_dir, unread_modules, variables,
                request=request, region=region,
            )
        )
    return results


def _source_index(source_dir: str) -> dict[str, Resource]:
    """The Terraform source of a plan, by instance-less address: its skip comments, files and lines."""
    return {strip_instance_keys(r.address): r for stack in read_path(source_dir) for r in stack.resources}


def _enrich_from_source(stack: Stack, sources: dict[str, Resource]) -> None:
    for resource in stack.resources:
        source = sources.get(resource.base_address)
        if source is not None:
            resource.skips = {**source.skips, **resource.skips}
            resource.file, resource.line = source.file, source.line
