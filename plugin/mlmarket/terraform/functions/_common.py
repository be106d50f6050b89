"""Helpers shared by the collection, conversion, filesystem and sensitivity functions: parameters, marks,
cty's equality and small converters. Not a module of functions (the leading underscore keeps `_load` off it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from mlmarket.terraform.functions import FunctionError, Param
from mlmarket.terraform.values import (
    DYNAMIC,
    NUMBER,
    UNKNOWN_PAYLOAD,
    ConversionError,
    ListType,
    MapType,
    ObjectType,
    PrimitiveType,
    SetType,
    TupleType,
    Type,
    Value,
    can_convert_type,
    convert,
    unify,
)
from mlmarket.terraform.values import equals as values_equals


def param(
    name: str,
    value_type: Type = DYNAMIC,
    *,
    allow_null: bool = False,
    allow_unknown: bool = False,
    allow_marked: bool = False,
    allow_dynamic: bool = False,
) -> Param:
    """A parameter; `allow_marked` as cty's AllowMarked (the implementation handles the sensitive marks),
    `allow_dynamic` as cty's AllowDynamicType."""
    extra: dict[str, Any] = {"allow_marked": allow_marked}
    if "allow_dynamic" in {f.name for f in dataclasses.fields(Param)}:
        extra["allow_dynamic"] = allow_dynamic
    made = Param(name, value_type, allow_null, allow_unknown, **extra)
    if allow_dynamic:
        _DYNAMIC_OK.add(id(made))
    return made


def unmark(value: Value) -> tuple[Value, bool]:
    """The value without its own (top-level) mark, and whether it had one."""
    if not value.sensitive:
        return value, False
    return Value(value.type, value.raw, False, value.reason, value.refs), True


def is_sequence_type(value_type: Type) -> bool:
    return isinstance(value_type, (ListType, SetType, TupleType))


def is_mapping_type(value_type: Type) -> bool:
    return isinstance(value_type, (MapType, ObjectType))


def unknown_of(value_type: Type, operands: Any = (), sensitive: bool = False) -> Value:
    operands = list(operands)
    reason = next((v.reason for v in operands if not v.is_known), "known only after apply")
    refs: dict[str, None] = {}
    for v in operands:
        refs.update(dict.fromkeys(v.refs))
    return Value(value_type, UNKNOWN_PAYLOAD, sensitive, reason, tuple(refs))


def whole_int(value: Value, what: str) -> int:
    """gocty.FromCtyValue(number, &int): a whole number that fits Go's int."""
    raw = value.raw
    if not isinstance(raw, int):
        raise FunctionError(f"invalid {what}: value must be a whole number, between {-(2**63)} and {2**63 - 1}")
    if not -(2**63) <= raw < 2**63:
        raise FunctionError(f"invalid {what}: value must be a whole number, between {-(2**63)} and {2**63 - 1}")
    return raw


def has_dynamic(value_type: Type) -> bool:
    if value_type == DYNAMIC:
        return True
    if isinstance(value_type, (ListType, SetType, MapType)):
        return has_dynamic(value_type.element)
    if isinstance(value_type, TupleType):
        return any(has_dynamic(t) for t in value_type.elements)
    if isinstance(value_type, ObjectType):
        return any(has_dynamic(t) for _, t in value_type.attributes)
    return False


def _conforms(value_type: Type, target: Type) -> bool:
    """cty's TestConformance: equal types, with DynamicPseudoType in `target` matching anything."""
    if target == DYNAMIC or value_type == target:
        return True
    if type(value_type) is not type(target):
        return False
    if isinstance(target, (ListType, SetType, MapType)):
        return _conforms(value_type.element, target.element)  # type: ignore[attr-defined]
    if isinstance(target, TupleType):
        elements = value_type.elements  # type: ignore[attr-defined]
        return len(elements) == len(target.elements) and all(
            _conforms(a, b) for a, b in zip(elements, target.elements, strict=True)
        )
    if isinstance(target, ObjectType):
        have = value_type.attribute_types  # type: ignore[attr-defined]
        want = target.attribute_types
        return have.keys() == want.keys() and all(_conforms(have[k], want[k]) for k in want)
    return False


def equals(left: Value, right: Value) -> bool | None:
    """cty's Value.Equals: True, False, or None when unknown (values.equals)."""
    return values_equals(left, right)


def _set_keys(value: Value) -> set[Any]:
    from mlmarket.terraform.values import canonical_key

    return {canonical_key(item) for item in value.elements()}


def is_number_type(value_type: Type) -> bool:
    return value_type == NUMBER


# --- cty's unification and conversion types (where values.unify/convert differ: see the report) --------------


def cty_unify(types: Sequence[Type]) -> Type | None:
    """cty's convert.UnifyUnsafe (values.unify)."""
    return unify(list(types))


def _member_types(t: Type) -> list[Type]:
    if isinstance(t, ObjectType):
        return [a for _, a in t.attributes]
    if isinstance(t, TupleType):
        return list(t.elements)
    return [t.element]  # type: ignore[attr-defined]


def conversion_type(source: Type, want: Type) -> Type | None:
    """The type cty's conversion from `source` to the constraint `want` produces (DynamicPseudoType inside
    `want` standing for "any single type"), or None when there is no conversion."""
    if want == DYNAMIC:
        return source
    if source == want:
        return want
    if source == DYNAMIC:
        return want
    if isinstance(want, (ListType, SetType)):
        kind = type(want)
        if isinstance(source, (ListType, SetType)):
            element = conversion_type(source.element, want.element)
            return kind(element) if element is not None else None
        if isinstance(source, TupleType):
            if not source.elements:
                return kind(want.element)
            converted = [conversion_type(e, want.element) for e in source.elements]
            if any(c is None for c in converted):
                return None
            element = cty_unify(converted) if has_dynamic(want.element) else want.element  # type: ignore[arg-type]
            return kind(element) if element is not None else None
        return None
    if isinstance(want, MapType):
        if isinstance(source, MapType):
            element = conversion_type(source.element, want.element)
            return MapType(element) if element is not None else None
        if isinstance(source, ObjectType):
            if not source.attributes:
                return MapType(want.element)
            converted = [conversion_type(a, want.element) for _, a in source.attributes]
            if any(c is None for c in converted):
                return None
            element = cty_unify(converted) if has_dynamic(want.element) else want.element  # type: ignore[arg-type]
            return MapType(element) if element is not None else None
        return None
    if isinstance(want, TupleType):
        if isinstance(source, TupleType) and len(source.elements) == len(want.elements):
            converted = [conversion_type(s, w) for s, w in zip(source.elements, want.elements, strict=True)]
            return None if any(c is None for c in converted) else TupleType(tuple(converted))  # type: ignore[arg-type]
        if isinstance(source, (ListType, SetType)):
            converted = [conversion_type(source.element, w) for w in want.elements]
            return None if any(c is None for c in converted) else TupleType(tuple(converted))  # type: ignore[arg-type]
        return None
    if isinstance(want, ObjectType):
        if isinstance(source, ObjectType):
            have = source.attribute_types
            attributes = {}
            for name, w in want.attributes:
                if name not in have:
                    return None
                converted = conversion_type(have[name], w)
                if converted is None:
                    return None
                attributes[name] = converted
            return ObjectType.of(attributes)
        if isinstance(source, MapType):
            attributes = {}
            for name, w in want.attributes:
                converted = conversion_type(source.element, w)
                if converted is None:
                    return None
                attributes[name] = converted
            return ObjectType.of(attributes)
        return None
    if isinstance(want, PrimitiveType):
        return want if can_convert_type(source, want) else None
    return None


def convert_to(value: Value, want: Type) -> Value:
    """values.convert to the concrete type cty's conversion to `want` gives (ConversionError if none)."""
    target = conversion_type(value.type, want)
    if target is None:
        raise ConversionError(f"{want.friendly()} required")
    return convert(value, target)


def typed(value: Value, target: Type) -> Value:
    """`value` converted as HCL converts an argument to its parameter type (unchanged if it cannot be)."""
    try:
        return convert_to(value, target)
    except ConversionError:
        return value


# --- registration as cty calls functions ------------------------------------------------------------------------

_DYNAMIC_OK: set[int] = set()


def register(
    name: str,
    params: Sequence[Param] = (),
    variadic: Param | None = None,
    returns: Any = DYNAMIC,
) -> Callable[[Callable[..., Value]], Callable[..., Value]]:
    """`functions.function`, plus two steps of cty's Call that the registry's `call` leaves out:
    - an argument of type DynamicPseudoType (an unknown or null of unknown type) to a DynamicPseudoType parameter
      that does not allow it makes the result an unknown of unknown type, before any type check;
    - an unknown argument to a parameter that does not allow unknowns is still converted to the parameter type
      (HCL does so before the call), so a wrong type is an error even when the value is unknown."""
    from mlmarket.terraform.functions import function

    def spec(index: int) -> Param | None:
        return params[index] if index < len(params) else variadic

    def dynamic_argument(args: Sequence[Value]) -> bool:
        for index, arg in enumerate(args):
            p = spec(index)
            if p is not None and p.type == DYNAMIC and arg.type == DYNAMIC and id(p) not in _DYNAMIC_OK:
                return True
        return False

    def type_check(args: Sequence[Value]) -> list[Value]:
        checked = list(args)
        for index, arg in enumerate(args):
            p = spec(index)
            if p is None or arg.is_known or p.allow_unknown:
                continue
            try:
                checked[index] = convert_to(arg, p.type)
            except ConversionError as error:
                raise FunctionError(f'Invalid value for "{p.name}" parameter: {error}', index) from None
        return checked

    def result_type(args: Sequence[Value]) -> Type:
        if dynamic_argument(args):
            return DYNAMIC
        checked = type_check(args)
        return returns(checked) if callable(returns) else returns

    def decorate(implementation: Callable[..., Value]) -> Callable[..., Value]:
        def run(context: Any, args: Sequence[Value]) -> Value:
            if dynamic_argument(args):
                return unknown_of(DYNAMIC, [a for a in args if not a.is_known])
            return implementation(context, args)

        function(name, params, variadic, result_type)(run)
        return implementation

    return decorate
