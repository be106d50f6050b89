"""Terraform's values, as its type system (go-cty) defines them: typed, possibly null, unknown or sensitive.

A `Value` is immutable and carries its `Type`. Known values hold Python data: `str`, a number (`int` when it is
whole, else a `Fraction` whose denominator is a power of two), `bool`, a tuple of Values (list, set, tuple) or a
dict of Values (map, object). Nothing else in mlmarket sees these; the reader turns them into plain data.

Numbers follow cty: arbitrary-precision binary floating point with a 512-bit mantissa, so every arithmetic
result is rounded to 512 bits (1/3 is not exact, and prints with 156 significant digits in a string).

An unknown value (known only after apply) has a `reason` and the `refs` (Terraform references) that made it so;
a sensitive value is marked and stays marked through everything derived from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from mlmarket.errors import InputError

# --- types -------------------------------------------------------------------------------------------------


class Type:
    """A cty type. Instances are immutable and compare by value."""

    __slots__ = ()

    def json(self) -> Any:  # as `terraform show -json` prints it
        raise NotImplementedError

    def friendly(self) -> str:  # as Terraform's error messages name it
        raise NotImplementedError

    @property
    def is_collection(self) -> bool:
        return isinstance(self, (ListType, SetType, MapType))

    @property
    def is_structural(self) -> bool:
        return isinstance(self, (TupleType, ObjectType))


@dataclass(frozen=True, slots=True)
class PrimitiveType(Type):
    name: str

    def json(self) -> Any:
        return self.name

    def friendly(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return self.name.upper()


@dataclass(frozen=True, slots=True)
class DynamicType(Type):
    def json(self) -> Any:
        return "dynamic"

    def friendly(self) -> str:
        return "dynamic"

    def __repr__(self) -> str:
        return "DYNAMIC"


STRING = PrimitiveType("string")
NUMBER = PrimitiveType("number")
BOOL = PrimitiveType("bool")
DYNAMIC = DynamicType()


@dataclass(frozen=True, slots=True)
class ListType(Type):
    element: Type

    def json(self) -> Any:
        return ["list", self.element.json()]

    def friendly(self) -> str:
        return f"list of {self.element.friendly()}"


@dataclass(frozen=True, slots=True)
class SetType(Type):
    element: Type

    def json(self) -> Any:
        return ["set", self.element.json()]

    def friendly(self) -> str:
        return f"set of {self.element.friendly()}"


@dataclass(frozen=True, slots=True)
class MapType(Type):
    element: Type

    def json(self) -> Any:
        return ["map", self.element.json()]

    def friendly(self) -> str:
        return f"map of {self.element.friendly()}"


@dataclass(frozen=True, slots=True)
class TupleType(Type):
    elements: tuple[Type, ...]

    def json(self) -> Any:
        return ["tuple", [t.json() for t in self.elements]]

    def friendly(self) -> str:
        return "tuple"


@dataclass(frozen=True, slots=True)
class ObjectType(Type):
    # Sorted by name, so that equal object types compare equal.
    attributes: tuple[tuple[str, Type], ...]

    @staticmethod
    def of(attributes: Mapping[str, Type]) -> ObjectType:
        return ObjectType(tuple(sorted(attributes.items())))

    @property
    def attribute_types(self) -> dict[str, Type]:
        return dict(self.attributes)

    def json(self) -> Any:
        return ["object", {name: t.json() for name, t in self.attributes}]

    def friendly(self) -> str:
        return "object"


EMPTY_TUPLE = TupleType(())
EMPTY_OBJECT = ObjectType(())

# --- numbers -----------------------------------------------------------------------------------------------

Number = int | Fraction
MANTISSA_BITS = 512


def make_number(value: int | float | Fraction | Decimal | str) -> Number:
    """A number as cty holds it: rounded to a 512-bit mantissa, whole numbers as int."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, int):
        return value if value.bit_length() <= MANTISSA_BITS else _round_binary(Fraction(value))
    if isinstance(value, str):
        value = Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite number")
        value = Fraction(value)
    elif isinstance(value, float):
        value = Fraction(value)
    return _round_binary(value)


def _round_binary(value: Fraction) -> Number:
    if value == 0:
        return 0
    if value.denominator == 1 and abs(value.numerator).bit_length() <= MANTISSA_BITS:
        return value.numerator
    negative = value < 0
    magnitude = -value if negative else value
    # Scale so the integer part has exactly MANTISSA_BITS bits, round half to even, scale back.
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    shift = MANTISSA_BITS - exponent
    scaled = magnitude * (Fraction(2) ** shift)
    if scaled >= 2**MANTISSA_BITS:
        shift -= 1
        scaled = magnitude * (Fraction(2) ** shift)
    elif scaled < 2 ** (MANTISSA_BITS - 1):
        shift += 1
        scaled = magnitude * (Fraction(2) ** shift)
    mantissa = round(scaled)  # Fraction.__round__ rounds half to even
    result = Fraction(mantissa) / (Fraction(2) ** shift)
    if result.denominator == 1:
        whole = int(result)
        return -whole if negative else whole
    return -result if negative else result


def number_to_string(value: Number) -> str:
    """cty's number-to-string conversion: the shortest decimal that reads back to the same 512-bit number."""
    if isinstance(value, int) and value.bit_length() <= MANTISSA_BITS:
        return str(value)
    # A fraction, or a whole number too large for the mantissa (rounded, so its last digits are noise).
    value = Fraction(value)
    negative = value < 0
    magnitude = -value if negative else value
    # Binary search for the fewest significant digits that round-trip (more digits never stop round-tripping).
    low, high = 1, 160
    while low < high:
        middle = (low + high) // 2
        if _round_binary(Fraction(_significant(magnitude, middle))) == magnitude:
            high = middle
        else:
            low = middle + 1
    text = _plain_decimal(_significant(magnitude, low))
    return "-" + text if negative else text


def _significant(value: Fraction, digits: int) -> Decimal:
    from decimal import ROUND_HALF_EVEN, Context

    context = Context(prec=digits, rounding=ROUND_HALF_EVEN)
    return context.divide(Decimal(value.numerator), Decimal(value.denominator))


def _plain_decimal(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def number_to_python(value: Number) -> int | float:
    return value if isinstance(value, int) else float(value)


# --- values ------------------------------------------------------------------------------------------------


class _UnknownPayload:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN_PAYLOAD = _UnknownPayload()


@dataclass(frozen=True, slots=True, eq=False)
class Value:
    """A Terraform value. `raw` is None for null and UNKNOWN_PAYLOAD for unknown."""

    type: Type
    raw: Any
    sensitive: bool = False
    reason: str = ""
    refs: tuple[str, ...] = ()

    @property
    def is_null(self) -> bool:
        return self.raw is None

    @property
    def is_known(self) -> bool:
        """The value itself is known (its elements may still be unknown: see `is_wholly_known`)."""
        return self.raw is not UNKNOWN_PAYLOAD

    @property
    def is_wholly_known(self) -> bool:
        if self.raw is UNKNOWN_PAYLOAD:
            return False
        if isinstance(self.raw, tuple):
            return all(item.is_wholly_known for item in self.raw)
        if isinstance(self.raw, dict):
            return all(item.is_wholly_known for item in self.raw.values())
        return True

    @property
    def is_sensitive_anywhere(self) -> bool:
        if self.sensitive:
            return True
        if isinstance(self.raw, tuple):
            return any(item.is_sensitive_anywhere for item in self.raw)
        if isinstance(self.raw, dict):
            return any(item.is_sensitive_anywhere for item in self.raw.values())
        return False

    def elements(self) -> tuple[Value, ...]:
        """The elements of a known list, set or tuple."""
        assert isinstance(self.raw, tuple), self
        return self.raw

    def attributes(self) -> dict[str, Value]:
        """The elements of a known map or object."""
        assert isinstance(self.raw, dict), self
        return self.raw

    def with_sensitive(self, sensitive: bool = True) -> Value:
        if not sensitive or self.sensitive:
            return self
        return Value(self.type, self.raw, True, self.reason, self.refs)

    def __eq__(self, other: object) -> bool:  # structural equality, for tests and set membership
        if not isinstance(other, Value):
            return NotImplemented
        return (self.type, self.sensitive, self.reason, self.refs) == (
            other.type,
            other.sensitive,
            other.reason,
            other.refs,
        ) and _raw_equal(self.raw, other.raw)

    def __hash__(self) -> int:
        return hash((self.type, canonical_key(self)))

    def __repr__(self) -> str:
        marks = " sensitive" if self.sensitive else ""
        if self.raw is UNKNOWN_PAYLOAD:
            return f"Value({self.type!r}, unknown{marks}, {self.reason!r})"
        return f"Value({self.type!r}, {self.raw!r}{marks})"


def _raw_equal(a: Any, b: Any) -> bool:
    if a is UNKNOWN_PAYLOAD or b is UNKNOWN_PAYLOAD:
        return a is b
    if type(a) is not type(b) and not (isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction))):
        return False
    return a == b


def string(text: str, sensitive: bool = False) -> Value:
    return Value(STRING, text, sensitive)


def number(value: int | float | Fraction | Decimal | str, sensitive: bool = False) -> Value:
    return Value(NUMBER, make_number(value), sensitive)


def boolean(flag: bool, sensitive: bool = False) -> Value:
    return Value(BOOL, flag, sensitive)


def null(value_type: Type = DYNAMIC, sensitive: bool = False) -> Value:
    return Value(value_type, None, sensitive)


NULL = null()
TRUE = boolean(True)
FALSE = boolean(False)


def unknown(
    value_type: Type = DYNAMIC,
    reason: str = "known only after apply",
    refs: Sequence[str] = (),
    sensitive: bool = False,
) -> Value:
    return Value(value_type, UNKNOWN_PAYLOAD, sensitive, reason, tuple(refs))


def tuple_of(items: Iterable[Value], sensitive: bool = False) -> Value:
    items = tuple(items)
    return Value(TupleType(tuple(item.type for item in items)), items, sensitive)


def object_of(attributes: Mapping[str, Value], sensitive: bool = False) -> Value:
    attributes = dict(attributes)
    return Value(ObjectType.of({k: v.type for k, v in attributes.items()}), attributes, sensitive)


def list_of(element_type: Type, items: Iterable[Value], sensitive: bool = False) -> Value:
    return Value(ListType(element_type), tuple(items), sensitive)


def map_of(element_type: Type, items: Mapping[str, Value], sensitive: bool = False) -> Value:
    return Value(MapType(element_type), dict(sorted(items.items())), sensitive)


def set_of(element_type: Type, items: Iterable[Value], sensitive: bool = False) -> Value:
    """A set: duplicates removed and elements in cty's order (see `set_order_key`)."""
    unique: dict[Any, Value] = {}
    for item in items:
        # Unknown elements are never known to equal anything, each other included: each stays.
        unique.setdefault(canonical_key(item) if item.is_known else ("unknown", object()), item)
    return Value(SetType(element_type), tuple(sorted(unique.values(), key=set_order_key)), sensitive)


def canonical_key(value: Value) -> Any:
    """A hashable key equal for equal values (type included), for set membership and distinct()."""
    raw = value.raw
    if raw is UNKNOWN_PAYLOAD:
        return ("unknown", id(value))  # two unknowns are never known to be equal
    if isinstance(raw, tuple):
        return (value.type, tuple(canonical_key(item) for item in raw))
    if isinstance(raw, dict):
        return (value.type, tuple((k, canonical_key(v)) for k, v in sorted(raw.items())))
    return (value.type, raw)


def set_order_key(value: Value) -> Any:
    """cty orders set elements: numbers ascending, strings lexically, bools false first; unknowns last."""
    raw = value.raw
    if raw is UNKNOWN_PAYLOAD:
        return (3, 0)
    if raw is None:
        return (2, 0)
    if isinstance(raw, bool):
        return (0, raw)
    if isinstance(raw, (int, Fraction)):
        return (0, raw)
    if isinstance(raw, str):
        return (0, raw)
    return (1, repr(canonical_key(value)))


def any_sensitive(values: Iterable[Value]) -> bool:
    return any(v.sensitive for v in values)


def first_unknown(values: Iterable[Value]) -> Value | None:
    for value in values:
        if not value.is_known:
            return value
    return None


def merge_refs(values: Iterable[Value]) -> tuple[str, ...]:
    refs: dict[str, None] = {}
    for value in values:
        refs.update(dict.fromkeys(value.refs))
    return tuple(refs)


def unknown_from(operands: Sequence[Value], result_type: Type = DYNAMIC) -> Value:
    """The unknown result of an operation on `operands`, at least one of them unknown: it keeps the first
    unknown's reason, every operand's references, and the marks."""
    first = first_unknown(operands)
    reason = first.reason if first is not None else "known only after apply"
    return unknown(result_type, reason, merge_refs(operands), any_sensitive(operands))


# --- conversion --------------------------------------------------------------------------------------------


class ConversionError(ValueError):
    """A value that cannot be converted to the type asked for (Terraform: "Invalid value for ...")."""


def convert(value: Value, target: Type) -> Value:
    """cty's convert.Convert, including its "unsafe" primitive conversions (string <-> number, string <-> bool)."""
    if value.type == target or target == DYNAMIC:
        return value
    if not value.is_known:
        if not can_convert_type(value.type, target):
            raise ConversionError(f"{target.friendly()} required")
        return Value(target, UNKNOWN_PAYLOAD, value.sensitive, value.reason, value.refs)
    if value.is_null:
        if not can_convert_type(value.type, target):
            raise ConversionError(f"{target.friendly()} required")
        return Value(target, None, value.sensitive)
    if isinstance(target, PrimitiveType):
        return _convert_primitive(value, target)
    if isinstance(target, (ListType, SetType)):
        return _convert_to_sequence(value, target)
    if isinstance(target, MapType):
        return _convert_to_map(value, target)
    if isinstance(target, TupleType):
        return _convert_to_tuple(value, target)
    if isinstance(target, ObjectType):
        return _convert_to_object(value, target)
    raise ConversionError(f"{target.friendly()} required")


def can_convert_type(source: Type, target: Type) -> bool:
    if source == target or DYNAMIC in (source, target):
        return True
    if isinstance(target, PrimitiveType) and isinstance(source, PrimitiveType):
        return target == STRING or source == STRING
    if isinstance(target, (ListType, SetType)):
        if isinstance(source, (ListType, SetType)):
            return can_convert_type(source.element, target.element)
        if isinstance(source, TupleType):
            return all(can_convert_type(t, target.element) for t in source.elements)
        return False
    if isinstance(target, MapType):
        if isinstance(source, MapType):
            return can_convert_type(source.element, target.element)
        if isinstance(source, ObjectType):
            return all(can_convert_type(t, target.element) for _, t in source.attributes)
        return False
    if isinstance(target, TupleType):
        if isinstance(source, TupleType):
            return len(source.elements) == len(target.elements) and all(
                can_convert_type(s, t) for s, t in zip(source.elements, target.elements, strict=True)
            )
        return isinstance(source, (ListType, SetType))
    if isinstance(target, ObjectType):
        if isinstance(source, ObjectType):
            have = source.attribute_types
            return all(name in have and can_convert_type(have[name], t) for name, t in target.attributes)
        return isinstance(source, MapType)
    return False


def _convert_primitive(value: Value, target: PrimitiveType) -> Value:
    raw = value.raw
    if target == STRING:
        if isinstance(raw, bool):
            return Value(STRING, "true" if raw else "false", value.sensitive)
        if value.type == NUMBER:
            return Value(STRING, number_to_string(raw), value.sensitive)
    elif target == NUMBER and value.type == STRING:
        parsed = parse_number(raw)
        if parsed is None:
            raise ConversionError("a number is required")
        return Value(NUMBER, parsed, value.sensitive)
    elif target == BOOL and value.type == STRING:
        if raw in ("true", "1"):
            return Value(BOOL, True, value.sensitive)
        if raw in ("false", "0"):
            return Value(BOOL, False, value.sensitive)
        raise ConversionError("a bool is required")
    raise ConversionError(f"{target.friendly()} required")


def parse_number(text: str) -> Number | None:
    """A string as cty reads it as a number: decimal notation with an optional exponent, nothing around it."""
    if not text or text.strip() != text or text.lower() in ("inf", "+inf", "-inf", "infinity", "nan"):
        return None
    if any(c not in "0123456789+-.eE" for c in text):
        return None
    try:
        parsed = Decimal(text)
    except ArithmeticError:
        return None
    if not parsed.is_finite():
        return None
    return make_number(parsed)


def _convert_to_sequence(value: Value, target: ListType | SetType) -> Value:
    if not isinstance(value.type, (ListType, SetType, TupleType)):
        raise ConversionError(f"{target.friendly()} required")
    items = value.elements()
    element_type = target.element
    if element_type == DYNAMIC:
        unified = unify([item.type for item in items]) if items else DYNAMIC
        if unified is None:
            raise ConversionError(f"{target.friendly()} required: all elements must have the same type")
        element_type = unified
    converted = [_convert_element(item, element_type, index) for index, item in enumerate(items)]
    if isinstance(target, SetType):
        return set_of(element_type, converted, value.sensitive)
    return list_of(element_type, converted, value.sensitive)


def _convert_element(item: Value, element_type: Type, where: Any) -> Value:
    try:
        return convert(item, element_type)
    except ConversionError as error:
        raise ConversionError(f"element {where}: {error}") from None


def _convert_to_map(value: Value, target: MapType) -> Value:
    if not isinstance(value.type, (MapType, ObjectType)):
        raise ConversionError(f"{target.friendly()} required")
    items = value.attributes()
    element_type = target.element
    if element_type == DYNAMIC:
        unified = unify([item.type for item in items.values()]) if items else DYNAMIC
        if unified is None:
            raise ConversionError(f"{target.friendly()} required: all map elements must have the same type")
        element_type = unified
    converted = {key: _convert_element(item, element_type, repr(key)) for key, item in items.items()}
    return map_of(element_type, converted, value.sensitive)


def _convert_to_tuple(value: Value, target: TupleType) -> Value:
    if not isinstance(value.type, (ListType, SetType, TupleType)):
        raise ConversionError("tuple required")
    items = value.elements()
    if len(items) != len(target.elements):
        raise ConversionError(f"tuple required with {len(target.elements)} elements")
    return Value(
        target,
        tuple(_convert_element(item, t, i) for i, (item, t) in enumerate(zip(items, target.elements, strict=True))),
        value.sensitive,
    )


def _convert_to_object(value: Value, target: ObjectType) -> Value:
    if not isinstance(value.type, (MapType, ObjectType)):
        raise ConversionError("object required")
    items = value.attributes()
    converted = {}
    for name, attribute_type in target.attributes:
        if name not in items:
            raise ConversionError(f"attribute {name!r} is required")
        converted[name] = _convert_element(items[name], attribute_type, repr(name))
    return Value(target, converted, value.sensitive)


def unify(types: Sequence[Type]) -> Type | None:
    """cty's convert.UnifyUnsafe: the one type every given type converts to, or None."""
    distinct = list(dict.fromkeys(types))
    if len(distinct) == 1:
        return distinct[0]
    if not distinct:
        return DYNAMIC
    if DYNAMIC in distinct:
        return DYNAMIC
    if all(isinstance(t, (ListType, SetType, MapType)) for t in distinct) and len({type(t) for t in distinct}) == 1:
        # An empty collection (`tomap({})`, element type dynamic) takes the other collections' element type.
        elements = [t.element for t in distinct if t.element != DYNAMIC]  # type: ignore[attr-defined]
        if not elements:
            return distinct[0]
        element = unify(elements)
        return type(distinct[0])(element) if element is not None else None
    if all(isinstance(t, PrimitiveType) for t in distinct):
        return STRING if STRING in distinct else None
    if all(isinstance(t, ObjectType) for t in distinct):
        names = {tuple(name for name, _ in t.attributes) for t in distinct}  # type: ignore[union-attr]
        if len(names) == 1:
            attributes = {}
            for name in next(iter(names)):
                unified = unify([t.attribute_types[name] for t in distinct])  # type: ignore[union-attr]
                if unified is None:
                    return None
                attributes[name] = unified
            return ObjectType.of(attributes)
        element = unify([a for t in distinct for _, a in t.attributes])  # type: ignore[union-attr]
        return MapType(element) if element is not None else None
    if all(isinstance(t, TupleType) for t in distinct):
        lengths = {len(t.elements) for t in distinct}  # type: ignore[union-attr]
        if len(lengths) == 1:
            elements = []
            for index in range(next(iter(lengths))):
                unified = unify([t.elements[index] for t in distinct])  # type: ignore[union-attr]
                if unified is None:
                    return None
                elements.append(unified)
            return TupleType(tuple(elements))
        element = unify([e for t in distinct for e in t.elements])  # type: ignore[union-attr]
        return ListType(element) if element is not None else None
    for kind in (ListType, SetType, MapType):
        if all(isinstance(t, kind) for t in distinct):
            element = unify([t.element for t in distinct])  # type: ignore[attr-defined]
            return kind(element) if element is not None else None
    if all(isinstance(t, (MapType, ObjectType)) for t in distinct):
        elements = [t.element if isinstance(t, MapType) else a for t in distinct for a in _object_types(t)]
        element = unify(elements)
        return MapType(element) if element is not None else None
    if all(isinstance(t, (ListType, TupleType)) for t in distinct):
        elements = [e for t in distinct for e in (t.elements if isinstance(t, TupleType) else (t.element,))]
        element = unify(elements)
        return ListType(element) if element is not None else None
    return None


def _object_types(t: Type) -> list[Type]:
    if isinstance(t, ObjectType):
        return [a for _, a in t.attributes]
    return [t.element] if isinstance(t, MapType) else []


# --- from and to plain data -------------------------------------------------------------------------------


def from_json_like(data: Any, sensitive: bool = False) -> Value:
    """A value from plain data (a tfvars file in JSON, a decoded document): objects and tuples, as jsondecode
    gives them."""
    if data is None:
        return null(DYNAMIC, sensitive)
    if isinstance(data, bool):
        return boolean(data, sensitive)
    if isinstance(data, (int, float, Decimal, Fraction)):
        return number(data, sensitive)
    if isinstance(data, str):
        return string(data, sensitive)
    if isinstance(data, (list, tuple)):
        return tuple_of((from_json_like(item) for item in data), sensitive)
    if isinstance(data, dict):
        return object_of({str(k): from_json_like(v) for k, v in data.items()}, sensitive)
    raise InputError("<value>", f"unsupported value of Python type {type(data).__name__}")
