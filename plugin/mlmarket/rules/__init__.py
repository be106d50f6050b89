"""The rule catalog. Every rule module is `ckv_mlm_NNN.py` holding class `CKV_MLM_NNN`."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

from mlmarket.rules.base import Rule

_RULE_MODULE = re.compile(r"^ckv_mlm_[0-9]{3}$")


@cache
def rule_ids() -> tuple[str, ...]:
    """Every rule module in this package, in ID order (a module per rule, so adding one edits nothing else)."""
    names = (m.name for m in pkgutil.iter_modules(__path__) if _RULE_MODULE.match(m.name))
    return tuple(sorted(name.upper() for name in names))


@cache
def all_rules() -> tuple[Rule, ...]:
    rules = []
    for rule_id in rule_ids():
        module = importlib.import_module(f"mlmarket.rules.{rule_id.lower()}")
        rules.append(getattr(module, rule_id)())
    return tuple(rules)


def get_rule(rule_id: str) -> Rule:
    for rule in all_rules():
        if rule.metadata.id == rule_id:
            return rule
    raise KeyError(rule_id)


def select_rules(only: list[str], skip: list[str]) -> tuple[Rule, ...]:
    """Rules chosen by --check / --skip-check patterns (IDs with shell wildcards); unknown IDs are errors."""
    import fnmatch

    ids = rule_ids()
    for pattern in (*only, *skip):
        if not fnmatch.filter(ids, pattern.upper()):
            raise ValueError(f"unknown rule ID {pattern!r} (see `mlmarket rules`)")
    chosen = []
    for rule in all_rules():
        rule_id = rule.metadata.id
        if only and not any(fnmatch.fnmatchcase(rule_id, p.upper()) for p in only):
            continue
        if any(fnmatch.fnmatchcase(rule_id, p.upper()) for p in skip):
            continue
        chosen.append(rule)
    return tuple(chosen)
