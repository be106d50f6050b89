"""mlmarket.terraform against Terraform itself: the hand-written table (tests/terraform/oracle_cases.yaml) and
generated expressions, each evaluated by both, compared on value, type and unknown-ness.

A case Terraform refuses must be an error (or wholly unknown) for mlmarket, never a value. Terraform's answers
come from tests/tf_oracle.py (one plan per batch of cases). MLMARKET_ORACLE_EXAMPLES=N runs N generated cases
instead of the CI default. Disagreements still open are listed in oracle_known_disagreements.yaml: the test fails
on any other, and on a listed one that was fixed, so the list only shrinks.
"""

from __future__ import annotations

import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlmarket.errors import InputError
from mlmarket.terraform.configuration import ModuleFiles, RootOptions, evaluate_outputs
from mlmarket.terraform.evaluator import EvaluationError
from mlmarket.terraform.syntax import parse_file
from mlmarket.terraform.values import SetType, Value, float64_number, holds_infinity, make_number, number_to_string

from tf_expression_strategies import generate_cases
from tf_oracle import PRELUDE, Case, OracleResult, evaluate_with_terraform, load_case_table, terraform_binary

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.skipif(terraform_binary() is None, reason="terraform is not installed"),
]

GENERATED = int(os.environ.get("MLMARKET_ORACLE_EXAMPLES", "3000"))


def mlmarket_answer(case: Case, directory: str) -> Value | str:
    """The case's value as mlmarket evaluates it, or the error text."""
    text = PRELUDE
    for name, variable in case.variables:
        text += variable.block(name)
    if case.locals:
        text += "locals {\n" + "".join(f"  {name} = {value}\n" for name, value in case.locals) + "}\n"
    text += f"output \"o\" {{\n  value = {case.expression}\n}}\n"
    try:
        files = ModuleFiles.from_files(directory, [parse_file(text, "case.tf")])
        options = RootOptions(root_directory=directory, loader=lambda *_: None, instance_budget=1000)
        value = evaluate_outputs(files, {}, options)["o"]
    except (InputError, EvaluationError) as error:
        return f"error: {error}"
    if holds_infinity(value):
        # Terraform computes with infinities but fails to write one to the plan (state serialization).
        return "error: an infinite number cannot be written to a plan"
    return value


def unknown_structure(value: Value) -> Any:
    """`after_unknown` as Terraform prints it: False for a wholly known value; else the value's shape, where an
    unknown is True, a known primitive False in a list and absent from an object, and a known collection inside
    keeps its shape ([False, False], {})."""
    if not value.is_known:
        return True
    if value.is_wholly_known:
        return False
    return _shape(value)


def _shape(value: Value) -> Any:
    if not value.is_known:
        return True
    if isinstance(value.raw, tuple):
        return [_shape(item) for item in value.raw]
    if isinstance(value.raw, dict):
        return {k: shape for k, v in value.raw.items() if (shape := _shape(v)) is not False}
    return False


def plain(value: Value) -> Any:
    """Known leaves as the oracle parses them (numbers as int or Decimal); unknown leaves None."""
    if not value.is_known or value.raw is None:
        return None
    raw = value.raw
    if isinstance(raw, tuple):
        items = [plain(item) for item in raw]
        if isinstance(value.type, SetType):
            # Elements that differ only as -0 and 0 are one element once the plan is read back.
            items = [item for index, item in enumerate(items) if item is None or item not in items[:index]]
        return items
    if isinstance(raw, dict):
        return {k: plain(v) for k, v in raw.items()}
    if isinstance(raw, Fraction) or (isinstance(raw, int) and not isinstance(raw, bool)):
        return planned_number(raw)
    return raw


def planned_number(raw: int | Fraction) -> Decimal:
    """A number as `terraform show -json` prints it after the plan file's msgpack round trip: an int64 as an
    integer, another float64-exact number as a float64 (shortest at 53 bits), anything else as its text read
    back at 512 bits."""
    if isinstance(raw, int) and -(2**63) <= raw < 2**63:
        return Decimal(int(raw))
    exact = Fraction(raw)
    if exact.denominator != 1 and Fraction(float(exact)) == exact:
        return Decimal(number_to_string(float64_number(float(exact))))
    return Decimal(number_to_string(make_number(number_to_string(raw))))


def known_leaves_equal(ours: Any, theirs: Any, unknown: Any) -> bool:
    if unknown is True:
        return True
    if unknown is False:
        return ours == theirs
    if isinstance(unknown, list):
        return (
            isinstance(ours, list)
            and isinstance(theirs, list)
            and len(ours) == len(theirs) == len(unknown)
            and all(known_leaves_equal(a, b, u) for a, b, u in zip(ours, theirs, unknown, strict=True))
        )
    # Terraform leaves wholly unknown attributes out of a partly unknown object's value.
    ours = {k: v for k, v in ours.items() if unknown.get(k) is not True} if isinstance(ours, dict) else ours
    theirs = {k: v for k, v in theirs.items() if unknown.get(k) is not True} if isinstance(theirs, dict) else theirs
    if not isinstance(ours, dict) or not isinstance(theirs, dict) or set(ours) != set(theirs):
        return False
    return all(known_leaves_equal(ours[k], theirs[k], unknown.get(k, False)) for k in ours)


def disagreement(case: Case, oracle: OracleResult, ours: Value | str) -> str | None:
    """None when mlmarket agrees with Terraform; else a line saying how they differ."""
    if oracle.is_error:
        if isinstance(ours, str) or not ours.is_known:
            return None
        return f"{case.expression!r}: terraform refuses it ({oracle.error}), mlmarket gives {ours!r}"
    if isinstance(ours, str):
        return f"{case.expression!r}: terraform gives {oracle.value!r}, mlmarket {ours}"
    structure = unknown_structure(ours)
    if structure != oracle.unknown:
        return f"{case.expression!r}: unknown {oracle.unknown!r} in terraform, {structure!r} in mlmarket"
    if oracle.type is not None and ours.type.json() != oracle.type:
        return f"{case.expression!r}: type {oracle.type!r} in terraform, {ours.type.json()!r} in mlmarket"
    if not known_leaves_equal(plain(ours), oracle.value, oracle.unknown):
        return f"{case.expression!r}: value {oracle.value!r} in terraform, {plain(ours)!r} in mlmarket"
    return None


def differential(cases: list[Case], tmp_path) -> list[tuple[str, str]]:
    """(expression, how it differs) for every case where mlmarket and Terraform disagree."""
    answers = evaluate_with_terraform(cases, tmp_path / "oracle", workers=2)
    problems = []
    for case, oracle in zip(cases, answers, strict=True):
        problem = disagreement(case, oracle, mlmarket_answer(case, str(tmp_path)))
        if problem is not None:
            problems.append((case.expression, problem))
    return problems


KNOWN = Path(__file__).parent / "oracle_known_disagreements.yaml"


def known_disagreements() -> set[str]:
    return set(yaml.safe_load(KNOWN.read_text(encoding="utf-8")) or [])


def check(cases: list[Case], tmp_path, known: set[str]) -> None:
    problems = differential(cases, tmp_path)
    if os.environ.get("MLMARKET_ORACLE_RECORD") == "1":
        # The other test's entries stay; this test's cases are listed exactly when they still disagree.
        asked = {case.expression for case in cases}
        recorded = (known_disagreements() - asked) | {expression for expression, _ in problems}
        header = KNOWN.read_text(encoding="utf-8").split("\n- ", 1)[0].rstrip("\n") + "\n"
        KNOWN.write_text(header + yaml.safe_dump(sorted(recorded), allow_unicode=True, width=10**6))
        return
    new = [line for expression, line in problems if expression not in known]
    assert new == [], f"{len(new)} new disagreements of {len(cases)} cases:\n" + "\n".join(new[:40])
    asked = {case.expression for case in cases}
    fixed = (known & asked) - {expression for expression, _ in problems}
    assert fixed == set(), f"these now agree with terraform; remove them from {KNOWN.name}: {sorted(fixed)}"


def test_the_hand_written_table_agrees_with_terraform(tmp_path):
    check(load_case_table(), tmp_path, known_disagreements())


def test_generated_expressions_agree_with_terraform(tmp_path):
    # Only the CI set (seed 15, 3,000 cases) has its disagreements listed: a larger run must agree on every
    # case beyond the listed ones.
    check(generate_cases(GENERATED, seed=15), tmp_path, known_disagreements())
