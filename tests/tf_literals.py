"""Terraform source text for mlmarket.terraform Values, so that tests can ask the real terraform for the result
of the same call: each value becomes a variable whose type constraint and default give exactly that value."""

from __future__ import annotations

import json

from mlmarket.terraform.values import (
    DYNAMIC,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    number_to_string,
)


def type_expression(value_type: Type) -> str:
    """A type constraint, as written in a `variable` block."""
    if value_type == DYNAMIC:
        return "any"
    if isinstance(value_type, ListType):
        return f"list({type_expression(value_type.element)})"
    if isinstance(value_type, SetType):
        return f"set({type_expression(value_type.element)})"
    if isinstance(value_type, MapType):
        return f"map({type_expression(value_type.element)})"
    if isinstance(value_type, TupleType):
        return "tuple([" + ", ".join(type_expression(t) for t in value_type.elements) + "])"
    if isinstance(value_type, ObjectType):
        # Terraform wants attribute names, not quoted keys, in an object type constraint.
        attributes = ", ".join(f"{n} = {type_expression(t)}" for n, t in value_type.attributes)
        return "object({" + attributes + "})"
    return value_type.json()


def literal(value: Value) -> str:
    """The value as an HCL expression (its type comes from the variable's constraint)."""
    if not value.is_known:
        raise ValueError("an unknown value has no literal: use terraform_data.<name>.output")
    raw = value.raw
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        # ensure_ascii=False: HCL has no surrogate pairs, so a character beyond the BMP is written as itself.
        return json.dumps(raw, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")
    if isinstance(raw, tuple):
        return "[" + ", ".join(literal(item) for item in raw) + "]"
    if isinstance(raw, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {literal(v)}" for k, v in raw.items()) + "}"
    return number_to_string(raw)


def variable_block(name: str, value: Value) -> str:
    """`variable "<name>"` whose value is `value` (type, nulls and sensitivity included)."""
    lines = [f'variable "{name}" {{', f"  type = {type_expression(value.type)}", f"  default = {literal(value)}"]
    if value.is_null:
        lines.append("  nullable = true")
    if value.sensitive:
        lines.append("  sensitive = true")
    lines.append("}")
    return "\n".join(lines) + "\n"
