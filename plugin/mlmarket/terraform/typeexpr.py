"""Type constraints of `variable` blocks (`type = list(object({ a = optional(string, "x") }))`), read from their
syntax tree, and the conversion Terraform applies to a variable's value with them."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlmarket.terraform.syntax import ast
from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    ConversionError,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    convert,
    null,
)


class TypeExpressionError(ValueError):
    pass


@dataclass(frozen=True)
class Constraint:
    """A type constraint with the `optional()` attributes of its objects and their defaults."""

    type: Type
    # For an object type: attribute name -> default Value (None: optional without default).
    optional: dict[str, Value | None] = field(default_factory=dict)
    # Constraints of nested element / attribute types, for optional attributes deeper down.
    children: dict[str, Constraint] = field(default_factory=dict)


_PRIMITIVES = {"string": STRING, "number": NUMBER, "bool": BOOL, "any": DYNAMIC}


def parse_constraint(node: ast.Node, evaluate_default) -> Constraint:
    if isinstance(node, ast.Variable) and node.name in _PRIMITIVES:
        return Constraint(_PRIMITIVES[node.name])
    if isinstance(node, ast.Variable) and node.name in ("list", "map"):
        # Terraform still accepts the bare legacy `list` and `map` (as list(any), map(any)); `set` it refuses.
        return Constraint(ListType(DYNAMIC) if node.name == "list" else MapType(DYNAMIC))
    if isinstance(node, ast.Template) and len(node.parts) == 1 and isinstance(node.parts[0], ast.Literal):
        # Terraform 0.11's quoted type names.
        legacy = {"string": STRING, "list": ListType(DYNAMIC), "map": MapType(DYNAMIC)}.get(node.parts[0].value)
        if legacy is not None:
            return Constraint(legacy)
    if isinstance(node, ast.FunctionCall) and node.name in ("list", "set", "map") and len(node.args) == 1:
        inner = parse_constraint(node.args[0], evaluate_default)
        kind = {"list": ListType, "set": SetType, "map": MapType}[node.name]
        return Constraint(kind(inner.type), children={"*": inner})
    if isinstance(node, ast.FunctionCall) and node.name == "tuple" and len(node.args) == 1:
        items = node.args[0]
        if isinstance(items, ast.Tuple):
            inner = [parse_constraint(item, evaluate_default) for item in items.items]
            return Constraint(
                TupleType(tuple(c.type for c in inner)), children={str(i): c for i, c in enumerate(inner)}
            )
    if isinstance(node, ast.FunctionCall) and node.name == "object" and len(node.args) == 1:
        attributes = node.args[0]
        if isinstance(attributes, ast.Object):
            types: dict[str, Type] = {}
            optional: dict[str, Value | None] = {}
            children: dict[str, Constraint] = {}
            for key, value in attributes.items:
                name = _key_name(key)
                if isinstance(value, ast.FunctionCall) and value.name == "optional" and 1 <= len(value.args) <= 2:
                    inner = parse_constraint(value.args[0], evaluate_default)
                    optional[name] = evaluate_default(value.args[1]) if len(value.args) == 2 else None
                else:
                    inner = parse_constraint(value, evaluate_default)
                types[name] = inner.type
                children[name] = inner
            return Constraint(ObjectType.of(types), optional, children)
    raise TypeExpressionError("invalid type constraint")


def _key_name(node: ast.Node) -> str:
    if isinstance(node, ast.ObjectKey):
        return node.name
    if isinstance(node, ast.Template) and len(node.parts) == 1 and isinstance(node.parts[0], ast.Literal):
        return str(node.parts[0].value)
    raise TypeExpressionError("object type attribute names must be identifiers")


def apply_constraint(value: Value, constraint: Constraint) -> Value:
    """Convert `value` to the constraint's type, filling missing optional attributes (with their defaults)."""
    return convert(_fill_optional(value, constraint), constraint.type)


def _fill_optional(value: Value, constraint: Constraint) -> Value:
    if not value.is_known or value.is_null:
        return value
    target = constraint.type
    if isinstance(target, ObjectType) and isinstance(value.raw, dict):
        attributes = dict(value.raw)
        for name, attribute_type in target.attributes:
            child = constraint.children.get(name)
            if name not in attributes or attributes[name].is_null:
                if name in constraint.optional:
                    default = constraint.optional[name]
                    attributes[name] = default if default is not None else null(attribute_type)
                    if default is None or name not in value.raw:
                        continue
                elif name not in attributes:
                    raise ConversionError(f'attribute "{name}" is required')
            if child is not None and name in attributes:
                attributes[name] = _fill_optional(attributes[name], child)
        return Value(_object_type(attributes), attributes, value.sensitive)
    element = constraint.children.get("*")
    if element is not None and isinstance(value.raw, tuple):
        items = tuple(_fill_optional(item, element) for item in value.raw)
        return Value(_sequence_type(value.type, items), items, value.sensitive)
    if element is not None and isinstance(value.raw, dict):
        items = {k: _fill_optional(v, element) for k, v in value.raw.items()}
        return Value(_mapping_type(value.type, items), items, value.sensitive)
    return value


def _object_type(attributes: dict[str, Value]) -> Type:
    return ObjectType.of({name: item.type for name, item in attributes.items()})


def _sequence_type(original: Type, items: tuple[Value, ...]) -> Type:
    if isinstance(original, TupleType):
        return TupleType(tuple(item.type for item in items))
    return original if not items else type(original)(items[0].type)  # list/set: element type of the filled items


def _mapping_type(original: Type, items: dict[str, Value]) -> Type:
    if isinstance(original, ObjectType):
        return ObjectType.of({k: v.type for k, v in items.items()})
    return original if not items else MapType(next(iter(items.values())).type)
