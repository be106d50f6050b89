"""What a provider's schema tells Terraform about a resource's values before apply.

Terraform decodes a resource's configuration against its provider's schema: each argument is converted to its
attribute's type (`memory_size_in_mb = "1024"` is the number 1024), and a reference to the resource sees the
object the plan holds for it: every attribute of the schema, the configured ones with their values, an unset
argument its default or null where the caller measured it (the schema does not say which arguments have a
default), any other unknown; every nested block a list, a set or (nesting "single") an object.

The schema comes from the caller, as `terraform providers schema -json` writes it (see `BlockSchema.from_json`):
this module knows no provider. A type the caller has no schema for keeps mlmarket's reading without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

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
    from_json_like,
    list_of,
    null,
    object_of,
    set_of,
    tuple_of,
    unknown,
)

_PRIMITIVES = {"string": STRING, "number": NUMBER, "bool": BOOL, "dynamic": DYNAMIC}


def type_from_json(raw: Any) -> Type:
    """A cty type from its JSON form (`"string"`, `["list", "string"]`, `["object", {"a": "number"}]`)."""
    if isinstance(raw, str) and raw in _PRIMITIVES:
        return _PRIMITIVES[raw]
    if isinstance(raw, list) and len(raw) == 2:
        kind, inner = raw
        if kind == "list":
            return ListType(type_from_json(inner))
        if kind == "set":
            return SetType(type_from_json(inner))
        if kind == "map":
            return MapType(type_from_json(inner))
        if kind == "object" and isinstance(inner, dict):
            return ObjectType.of({name: type_from_json(t) for name, t in inner.items()})
        if kind == "tuple" and isinstance(inner, list):
            return TupleType(tuple(type_from_json(t) for t in inner))
    raise ValueError(f"not a type in Terraform's JSON form: {raw!r}")


@dataclass(frozen=True)
class NestedBlock:
    nesting: str  # "list", "set" or "single" (as the schema names the modes mlmarket knows)
    schema: BlockSchema

    @cached_property
    def value_type(self) -> Type:
        element = self.schema.object_type
        if self.nesting == "set":
            return SetType(element)
        if self.nesting == "single":
            return element
        return ListType(element)


@dataclass(frozen=True)
class BlockSchema:
    types: Mapping[str, Type]  # attribute name -> its type
    computed: frozenset[str]  # attributes (and nested blocks) the provider fills in when nobody writes them
    blocks: Mapping[str, NestedBlock]
    # Argument -> the value the provider plans when nobody writes it (its static default, or null), as measured
    # by planning; arguments not here (never left unset by the measurement) are unknown when not written.
    unset: Mapping[str, Value] = field(default_factory=dict)

    @staticmethod
    def from_json(raw: Mapping[str, Any]) -> BlockSchema:
        """From a level of mlmarket's provider schema dataset: {"types", "computed", "blocks"}."""
        return BlockSchema(
            types={name: type_from_json(t) for name, t in raw.get("types", {}).items()},
            computed=frozenset(raw.get("computed", ())),
            blocks={
                name: NestedBlock(block.get("nesting", "list"), BlockSchema.from_json(block))
                for name, block in raw.get("blocks", {}).items()
            },
            unset={name: from_json_like(value) for name, value in raw.get("unset", {}).items()},
        )

    @cached_property
    def object_type(self) -> ObjectType:
        """The type of one instance of the block, as a plan holds it."""
        attributes = dict(self.types)
        for name, nested in self.blocks.items():
            attributes[name] = nested.value_type
        return ObjectType.of(attributes)


def conform(configured: Mapping[str, Value], schema: BlockSchema, where: str) -> dict[str, Value]:
    """The configured arguments converted to their attributes' types, nested blocks item by item. An argument
    that cannot be converted is unknown with the reason (Terraform would refuse it; mlmarket's copy of the schema
    may be older than the seller's provider, so it does not refuse on its word); names the schema does not know
    stay as they are."""
    values: dict[str, Value] = {}
    for name, value in configured.items():
        attribute_type = schema.types.get(name)
        nested = schema.blocks.get(name)
        if attribute_type is not None:
            values[name] = _converted(value, attribute_type, f"{where}.{name}")
        elif nested is not None and value.is_known and isinstance(value.raw, tuple):
            items = [
                object_of(conform(item.raw, nested.schema, f"{where}.{name}"), item.sensitive)
                if item.is_known and isinstance(item.raw, dict) else item
                for item in value.raw
            ]
            values[name] = tuple_of(items, value.sensitive)
        else:
            values[name] = value
    return values


def _converted(value: Value, target: Type, where: str) -> Value:
    try:
        return convert(value, target)
    except ConversionError as error:
        return unknown(target, f"`{where}` is not of its attribute's type in the hashicorp/aws schema ({error}): "
                       "Terraform would refuse it", value.refs, value.sensitive)


def planned_object(configured: Mapping[str, Value], schema: BlockSchema, reference: str) -> Value:
    """The object a reference to a resource (or to one of its nested blocks) sees before apply, as
    `terraform plan` holds it for a resource being created: configured attributes with their converted values,
    unset ones their measured default or null (`schema.unset`), else unknown (computed, or never measured), unset
    nested blocks empty (null for nesting "single"), unset computed ones unknown."""
    attributes: dict[str, Value] = {}
    for name, attribute_type in schema.types.items():
        value = configured.get(name)
        if value is not None and not value.is_null:
            attributes[name] = _converted(value, attribute_type, f"{reference}.{name}")
        elif name not in schema.computed and name in schema.unset:
            attributes[name] = _converted(schema.unset[name], attribute_type, f"{reference}.{name}")
        else:
            # Computed, or an argument whose unset value was never measured: unknown, never a guess.
            text = f"{reference}.{name}"
            attributes[name] = unknown(attribute_type, f"{text} is known only after apply", (text,))
    for name, nested in schema.blocks.items():
        attributes[name] = _planned_blocks(configured.get(name), nested, name in schema.computed, f"{reference}.{name}")
    return object_of(attributes)


def _planned_blocks(given: Value | None, nested: NestedBlock, computed: bool, reference: str) -> Value:
    value_type = nested.value_type
    if given is None or given.is_null:
        if computed:
            return unknown(value_type, f"{reference} is known only after apply", (reference,))
        if nested.nesting == "single":
            return null(value_type)
        return list_of(value_type.element, []) if nested.nesting == "list" else set_of(value_type.element, [])
    if not given.is_known or not isinstance(given.raw, tuple):
        return unknown(value_type, given.reason or f"{reference} is known only after apply", given.refs,
                       given.sensitive)
    items = [
        planned_object(item.raw, nested.schema, reference).with_sensitive(item.sensitive)
        if item.is_known and isinstance(item.raw, dict)
        else unknown(nested.schema.object_type, item.reason, item.refs, item.sensitive)
        for item in given.raw
    ]
    if nested.nesting == "single":
        return items[0] if items else null(value_type)
    build = set_of if nested.nesting == "set" else list_of
    return build(nested.schema.object_type, items, given.sensitive)
