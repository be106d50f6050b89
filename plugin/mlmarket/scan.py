"""One scan: read each path into stacks, apply the settings, run the rules. Shared by the CLI and checkov."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace

from mlmarket import settings as settings_module
from mlmarket.engine import Result, evaluate
from mlmarket.model import Resource, Stack, strip_instance_keys
from mlmarket.readers import read_path
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
) -> list[Result]:
    """Results of every rule on every stack under `path`; module calls that could not be read (registry, git)
    are added to `unread_modules`, as `<stack>: module.x (source "...")`."""
    resolved = settings_module.resolve(path, overrides, config_path)
    chosen = all_rules() if rules is None else rules
    settings_module.warn_if_nothing_checked(resolved, (rule.metadata.id for rule in chosen))
    sources = _source_index(source_dir) if source_dir and not os.path.isdir(path) else {}
    results: list[Result] = []
    for stack in read_path(path, variables):
        if unread_modules is not None:
            unread_modules.extend(f"{stack.source}: {call}" for call in stack.unread_modules)
        _enrich_from_source(stack, sources)
        settings_module.apply(stack, resolved)
        results.extend(evaluate(stack, chosen, resolved.skips))
    if not resolved.severity:
        return results
    return [replace(r, severity=resolved.severity.get(r.rule_id, r.severity)) for r in results]


def scan_paths(
    paths: Iterable[str],
    overrides: Settings,
    config_path: str | None = None,
    rules: Sequence[Rule] | None = None,
    source_dir: str | None = None,
    unread_modules: list[str] | None = None,
    variables: Sequence[tuple[str, str]] = (),
) -> list[Result]:
    results: list[Result] = []
    for path in paths:
        results.extend(scan_path(path, overrides, config_path, rules, source_dir, unread_modules, variables))
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
