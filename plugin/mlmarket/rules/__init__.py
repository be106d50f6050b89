"""The rule catalog. Every rule module is `ckv_mlm_NNN.py` holding class `CKV_MLM_NNN`."""

from __future__ import annotations

import importlib
from functools import cache

from mlmarket.rules.base import Rule

RULE_IDS: tuple[str, ...] = ("CKV_MLM_009",)


@cache
def all_rules() -> tuple[Rule, ...]:
    rules = []
    for rule_id in RULE_IDS:
        module = importlib.import_module(f"mlmarket.rules.{rule_id.lower()}")
        rules.append(getattr(module, rule_id)())
    return tuple(rules)


def get_rule(rule_id: str) -> Rule:
    for rule in all_rules():
        if rule.metadata.id == rule_id:
            return rule
    raise KeyError(rule_id)
