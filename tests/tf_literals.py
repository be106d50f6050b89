"""Terraform source text for mlmarket.terraform Values, so that tests can ask the real terraform for the result
of the same call: each value becomes a variable whose type constraint and default give exactly that value."""

from __future__ import annotations

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
    """A type constraint, as written in a `variable` block (object attribute names unquoted: Terraform refuses
    quoted ones, "Object constructor map keys must be attribute names")."""
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
        return "object({" + ", ".join(f"{n} = {type_expression(t)}" for n, t in value_type.attributes) + "})"
    return str(value_type.json())


def hcl_string(text: str) -> str:
    """A quoted HCL string: escapes for quotes, backslashes and control characters; every other character,
    beyond the BMP included, as itself (HCL has no surrogate-pair escapes)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out).replace("${", "$${").replace("%{", "%%{") + '"'


def literal(value: Value) -> str:
    """The value as an HCL expression (its type comes from the variable's constraint)."""
    raw = value.raw
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, str):
        return hcl_string(raw)
    if isinstance(raw, tuple):
        return "[" + ", ".join(literal(item) for item in raw) + "]"
    if isinstance(raw, dict):
        return "{" + ", ".join(f"{hcl_string(k)} = {literal(v)}" for k, v in raw.items()) + "}"
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
