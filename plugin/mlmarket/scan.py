"""One scan: read each path into stacks, apply the settings, run the rules. Shared by the CLI and checkov."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mlmarket import settings as settings_module
from mlmarket.engine import Result, evaluate
from mlmarket.readers import read_path
from mlmarket.rules import all_rules
from mlmarket.rules.base import Rule
from mlmarket.settings import Settings


def scan_path(
    path: str, overrides: Settings, config_path: str | None = None, rules: Sequence[Rule] | None = None
) -> list[Result]:
    resolved = settings_module.resolve(path, overrides, config_path)
    chosen = all_rules() if rules is None else rules
    results: list[Result] = []
    for stack in read_path(path):
        settings_module.apply(stack, resolved)
        results.extend(evaluate(stack, chosen, resolved.skips))
    return _with_severity(results, resolved.severity)


def scan_paths(
    paths: Iterable[str],
    overrides: Settings,
    config_path: str | None = None,
    rules: Sequence[Rule] | None = None,
) -> list[Result]:
    results: list[Result] = []
    for path in paths:
        results.extend(scan_path(path, overrides, config_path, rules))
    return results


def _with_severity(results: list[Result], overrides: dict[str, str]) -> list[Result]:
    if not overrides:
        return results
    from dataclasses import replace

    return [replace(r, severity=overrides.get(r.rule_id, r.severity)) for r in results]
