"""Differential checks of mlmarket.terraform's functions against terraform (tests/tf_oracle.py): mlmarket's
evaluation of each expression text, in a Scope holding the oracle prelude's names, is compared with Terraform's
answer on value, type, unknown structure and sensitivity.

No pytest here: the test modules under tests/terraform_functions use it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from mlmarket.terraform.evaluator import EvaluationError, Scope, evaluate
from mlmarket.terraform.functions import CallContext
from mlmarket.terraform.syntax import parse_expression
from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Value,
    boolean,
    holds_infinity,
    list_of,
    make_number,
    map_of,
    null,
    number,
    object_of,
    set_of,
    string,
    tuple_of,
    unknown,
)

from tf_oracle import Case, OracleResult, evaluate_with_terraform


def _unknown(value_type, sensitive=False, name="terraform_data.u.output"):
    return unknown(value_type, f"{name} is known only after apply", (name,), sensitive)


def prelude_names(cwd: str) -> dict[str, Value]:
    """The names of tests/tf_oracle.PRELUDE as mlmarket Values."""
    u_str = _unknown(STRING)
    uv_type = ObjectType.of(
        {
            "str": STRING,
            "num": NUMBER,
            "bool": BOOL,
            "list": ListType(STRING),
            "set": SetType(STRING),
            "map": MapType(STRING),
            "obj": ObjectType.of({"a": STRING, "b": NUMBER}),
            "tup": TupleType((STRING, NUMBER)),
        }
    )
    uv = _unknown(uv_type, name="terraform_data.uv.output")
    attributes = uv_type.attribute_types

    def uv_part(name: str) -> Value:
        return _unknown(attributes[name], name="terraform_data.uv.output")

    locals_ = {
        "u_str": uv_part("str"),
        "u_num": uv_part("num"),
        "u_bool": uv_part("bool"),
        "u_list": uv_part("list"),
        "u_set": uv_part("set"),
        "u_map": uv_part("map"),
        "u_obj": uv_part("obj"),
        "u_tup": uv_part("tup"),
        "u_dyn": _unknown(DYNAMIC),
        "u_tup_partial": tuple_of([u_str, number(1)]),
        "u_list_partial": list_of(STRING, [u_str, string("b")]),
        "u_map_partial": map_of(STRING, {"a": u_str, "b": string("y")}),
        "u_obj_partial": object_of({"a": u_str, "b": number(1)}),
        "u_set_partial": set_of(STRING, [u_str, string("b")]),
        "u_prefixed": _unknown(STRING),
        "u_secret": _unknown(STRING, sensitive=True),
        "k_str": string("hello"),
        "k_empty_str": string(""),
        "k_num": number(42),
        "k_neg": number(-7),
        "k_frac": number("2.5"),
        "k_bool": boolean(True),
        "k_false": boolean(False),
        "k_null": null(),
        "k_list": list_of(STRING, [string("b"), string("a"), string("c")]),
        "k_nums": list_of(NUMBER, [number(3), number(1), number(2)]),
        "k_empty_list": list_of(DYNAMIC, []),
        "k_set": set_of(STRING, [string("b"), string("a"), string("c")]),
        "k_num_set": set_of(NUMBER, [number(10), number(2), number(33)]),
        "k_map": map_of(NUMBER, {"b": number(2), "a": number(1), "c": number(3)}),
        "k_str_map": map_of(STRING, {"z": string("zz"), "y": string("yy")}),
        "k_obj": object_of(
            {
                "name": string("n"),
                "size": number(2),
                "tags": object_of({"a": string("x")}),
                "list": tuple_of([string("p"), string("q")]),
            }
        ),
        "k_tup": tuple_of([string("a"), number(1), boolean(True)]),
        "k_nested": tuple_of([tuple_of([number(1), number(2)]), tuple_of([number(3)]), tuple_of([])]),
        "k_objs": tuple_of(
            [object_of({"name": string("a"), "v": number(1)}), object_of({"name": string("b"), "v": number(2)})]
        ),
        "k_json": string('{"a": [1, 2], "b": null}'),
        "k_cidr": string("10.0.0.0/16"),
    }
    variables = {
        "secret": string("hunter2", sensitive=True),
        "secret_list": list_of(STRING, [string("s1"), string("s2")], sensitive=True),
        "null_str": null(STRING),
        "k_var_list": list_of(NUMBER, [number(3), number(1), number(2)]),
        "k_var_obj": object_of(
            {
                "name": string("n"),
                "size": number(2),
                "tags": map_of(STRING, {"b": string("2"), "a": string("1")}),
                "opt": null(STRING),
            }
        ),
    }
    return {
        "local": object_of(locals_),
        "var": object_of(variables),
        "terraform_data": object_of({"u": object_of({"output": u_str}), "uv": object_of({"output": uv})}),
        "path": object_of({"module": string("."), "root": string("."), "cwd": string(cwd)}),
    }


def mlmarket_evaluate(text: str, context: CallContext, names: dict[str, Value]) -> Value | Exception:
    try:
        return evaluate(parse_expression(text), Scope(dict(names), None, context))
    except EvaluationError as error:
        return error


# --- comparing ---------------------------------------------------------------------------------------------------


def unknown_structure(value: Value) -> Any:
    """`after_unknown` as Terraform prints it (jsonplan's unknownAsBool): False for a wholly known value; else
    True where unknown, and every known collection inside spelled out (lists of False, maps without their known
    leaves)."""
    if value.is_wholly_known:
        return False
    return _unknown_as_bool(value)


def _unknown_as_bool(value: Value) -> Any:
    if not value.is_known:
        return True
    if value.is_null:
        return False
    if isinstance(value.raw, tuple):
        return [_unknown_as_bool(item) for item in value.raw]
    if isinstance(value.raw, dict):
        inner = {k: _unknown_as_bool(v) for k, v in value.raw.items()}
        return {k: v for k, v in inner.items() if v is not False}
    return False


def same_json(mine: Value, theirs: Any) -> bool:
    raw = mine.raw
    if not mine.is_known:
        return theirs is None
    if raw is None:
        return theirs is None
    if isinstance(raw, (bool, str)):
        return type(theirs) is type(raw) and theirs == raw
    if isinstance(raw, (int, Fraction)):
        if isinstance(theirs, bool) or not isinstance(theirs, (int, Decimal)):
            return False
        return make_number(Fraction(theirs)) == raw
    if isinstance(raw, tuple):
        return (
            isinstance(theirs, list)
            and len(theirs) == len(raw)
            and all(same_json(a, b) for a, b in zip(raw, theirs, strict=True))
        )
    if isinstance(raw, dict):
        if not isinstance(theirs, dict) or not set(theirs) <= set(raw):
            return False
        return all(
            same_json(v, theirs.get(k)) if (k in theirs or not v.is_known) else False for k, v in raw.items()
        )
    return False


def describe(value: Value) -> Any:
    if not value.is_known:
        return "<unknown>"
    raw = value.raw
    if isinstance(raw, tuple):
        return [describe(item) for item in raw]
    if isinstance(raw, dict):
        return {k: describe(v) for k, v in raw.items()}
    if isinstance(raw, Fraction):
        return float(raw)
    return raw


@dataclass
class Verdict:
    expression: str
    problem: str | None  # None: agreement


def compare(expression: str, mine: Value | Exception, theirs: OracleResult) -> Verdict:
    if theirs.is_error:
        if isinstance(mine, Exception) or holds_infinity(mine):
            # An infinite number is a value to Terraform too, but no plan can hold one.
            return Verdict(expression, None)
        return Verdict(expression, f"terraform: error {theirs.error!r} ({(theirs.error_detail or '')[:300]}); "
                                   f"mlmarket: {describe(mine)!r} of type {mine.type.json()!r}")
    if isinstance(mine, Exception):
        return Verdict(expression, f"terraform: {theirs.value!r} ({theirs.type}, unknown={theirs.unknown!r}); "
                                   f"mlmarket raised {type(mine).__name__}: {mine}")
    problems = []
    if unknown_structure(mine) != theirs.unknown:
        problems.append(f"unknown: terraform {theirs.unknown!r}, mlmarket {unknown_structure(mine)!r}")
    elif theirs.unknown is False and not same_json(mine, theirs.value):
        problems.append(f"value: terraform {theirs.value!r}, mlmarket {describe(mine)!r}")
    elif theirs.unknown is not True and not same_json(mine, theirs.value):
        problems.append(f"known parts: terraform {theirs.value!r}, mlmarket {describe(mine)!r}")
    if mine.type.json() != theirs.type:
        problems.append(f"type: terraform {theirs.type!r}, mlmarket {mine.type.json()!r}")
    if mine.is_sensitive_anywhere != theirs.sensitive:
        problems.append(f"sensitive: terraform {theirs.sensitive}, mlmarket {mine.is_sensitive_anywhere}")
    return Verdict(expression, "; ".join(problems) or None)


def run(
    expressions: Sequence[str | Case],
    workdir: Path,
    context: CallContext | None = None,
    setup: Any = None,
) -> list[Verdict]:
    """Every expression through terraform (one batch, one worker) and mlmarket. `setup(worker_directory)` runs
    before terraform does (filesystem tests put their files there); mlmarket's module_dir and readable root are
    that directory unless `context` says otherwise."""
    cases = [e if isinstance(e, Case) else Case(e) for e in expressions]
    worker_dir = (workdir / "worker0").resolve()
    worker_dir.mkdir(parents=True, exist_ok=True)
    if setup is not None:
        setup(worker_dir)
    batch_size = max(1, len(cases))
    results = evaluate_with_terraform(cases, workdir, batch_size=batch_size, workers=1)
    context = context or CallContext(module_dir=str(worker_dir), readable_roots=(str(worker_dir),))
    names = prelude_names(str(worker_dir))
    verdicts = []
    for case, result in zip(cases, results, strict=True):
        case_names = names
        if case.locals:  # the case's own locals, evaluated by mlmarket too
            own = dict(names["local"].attributes())
            for name, text in case.locals:
                value = mlmarket_evaluate(text, context, names)
                if isinstance(value, Exception):
                    raise AssertionError(f"local {name} = {text}: {value}")
                own[name] = value
            case_names = {**names, "local": object_of(own)}
        mine = mlmarket_evaluate(case.expression, context, case_names)
        verdicts.append(compare(case.expression, mine, result))
    return verdicts


def oracle_workdir(name: str) -> Path:
    """A per-suite oracle directory for this test process (terraform init once per suite); MLMARKET_ORACLE_DIR
    keeps them across runs. Two test runs at once never share one: a shared directory lost files mid-run."""
    default = Path(tempfile.gettempdir()) / f"mlmarket-oracle-{os.getpid()}"
    base = Path(os.environ.get("MLMARKET_ORACLE_DIR", str(default)))
    return base / name


def report(verdicts: Sequence[Verdict]) -> list[str]:
    """The disagreements, one text each."""
    return [f"{v.expression}\n    {v.problem}" for v in verdicts if v.problem]
