"""Terraform's values, as its type system (go-cty) defines them: typed, possibly null, unknown or sensitive.

A `Value` is immutable and carries its `Type`. Known values hold Python data: `str`, a number (`int` when it is
whole, else a `Fraction` whose denominator is a power of two; see "numbers" below for other precisions, negative
zero and infinities), `bool`, a tuple of Values (list, set, tuple) or a dict of Values (map, object). Nothing
else in mlmarket sees these; the reader turns them into plain data.

Numbers follow cty's big.Float: binary floating point whose precision depends on where the number came from (512
bits for parsed text, 53 for float64 results such as pow), with signed zeros and infinities; arithmetic rounds
as big.Float does (1/3 is not exact, and prints with 156 significant digits in a string).

An unknown value (known only after apply) has a `reason`, the `refs` (Terraform references) that made it so,
and what cty knows of it (`Refinement`: not null, a string prefix, number bounds, a collection length); a
sensitive value is marked and stays marked through everything derived from it.
"""

from __future__ import annotations

import math
import re
import zlib
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
#
# cty holds a number as a Go big.Float: a binary mantissa of some precision, a sign (so zero can be negative),
# or an infinity. The precision depends on where the number came from: 512 bits for a number parsed from text (a
# literal, tonumber, jsondecode), 64 for an integer result (cty.NumberIntVal: length, index), 53 for a float64
# result (cty.NumberFloatVal: pow, log). It decides how the number prints (the shortest decimal that reads back
# at that precision: pow(10, -3) prints 0.001) and how arithmetic rounds (a sum has the larger precision of
# its operands). So a number here is a plain `int` or `Fraction` at 512 bits, a `BinaryInt`/`BinaryFraction`
# at any other precision (or a negative zero), or a float infinity.

Number = int | Fraction | float  # a float only for an infinity
MANTISSA_BITS = 512
INT64_BITS = 64
FLOAT64_BITS = 53


class BinaryInt(int):
    """A whole number cty holds at a precision other than 512 bits, or a negative zero."""

    precision: int
    negative: bool

    def __new__(cls, value: int, precision: int, negative: bool = False) -> BinaryInt:
        self = super().__new__(cls, value)
        self.precision = precision
        self.negative = negative and value == 0
        return self

    def __repr__(self) -> str:
        return f"{'-' if self.negative else ''}{int(self)}p{self.precision}"


class BinaryFraction(Fraction):
    """A number with a fractional part that cty holds at a precision other than 512 bits."""

    __slots__ = ("precision",)
    precision: int

    def __new__(cls, value: Fraction, precision: int) -> BinaryFraction:
        self = super().__new__(cls, value.numerator, value.denominator)
        self.precision = precision
        return self

    def __repr__(self) -> str:
        return f"{Fraction(self)!r}p{self.precision}"


NEGATIVE_ZERO = BinaryInt(0, MANTISSA_BITS, negative=True)


def precision_of(value: Number) -> int:
    return getattr(value, "precision", MANTISSA_BITS)


def is_negative_zero(value: Number) -> bool:
    return isinstance(value, BinaryInt) and value.negative


def is_infinite(value: Any) -> bool:
    return isinstance(value, float) and math.isinf(value)


def binary_number(value: int | Fraction, precision: int, negative_zero: bool = False) -> Number:
    """`value` rounded (to nearest, ties to even) to a `precision`-bit mantissa, as cty holds it."""
    rounded = _round_binary(Fraction(value), precision)
    if rounded == 0:
        if negative_zero:
            return BinaryInt(0, precision, negative=True)
        return 0 if precision == MANTISSA_BITS else BinaryInt(0, precision)
    if precision == MANTISSA_BITS:
        return rounded
    if isinstance(rounded, int):
        return BinaryInt(rounded, precision)
    return BinaryFraction(rounded, precision)


def float64_number(value: float) -> Number:
    """cty.NumberFloatVal: a float64 result (NaN is the caller's to refuse)."""
    if math.isinf(value):
        return value
    if value == 0:
        return BinaryInt(0, FLOAT64_BITS, negative=math.copysign(1.0, value) < 0)
    return binary_number(Fraction(value), FLOAT64_BITS)


def int64_number(value: int) -> Number:
    """cty.NumberIntVal: an integer result."""
    return BinaryInt(value, INT64_BITS)


def make_number(value: int | float | Fraction | Decimal | str) -> Number:
    """A number as cty parses it: rounded to a 512-bit mantissa, whole numbers as int."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, int):
        return value if value.bit_length() <= MANTISSA_BITS else _round_binary(Fraction(value))
    if isinstance(value, str):
        value = Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite number")
        if value.is_zero() and value.is_signed():
            return NEGATIVE_ZERO
        value = Fraction(value)
    elif isinstance(value, float):
        if math.isinf(value):
            return value
        if value == 0 and math.copysign(1.0, value) < 0:
            return NEGATIVE_ZERO
        value = Fraction(value)
    return _round_binary(value)


def _round_binary(value: Fraction, bits: int = MANTISSA_BITS) -> int | Fraction:
    if value == 0:
        return 0
    if value.denominator == 1 and abs(value.numerator).bit_length() <= bits:
        return value.numerator
    negative = value < 0
    magnitude = -value if negative else value
    # Scale so the integer part has exactly `bits` bits, round half to even, scale back.
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    shift = bits - exponent
    scaled = magnitude * (Fraction(2) ** shift)
    if scaled >= 2**bits:
        shift -= 1
        scaled = magnitude * (Fraction(2) ** shift)
    elif scaled < 2 ** (bits - 1):
        shift += 1
        scaled = magnitude * (Fraction(2) ** shift)
    mantissa = round(scaled)  # Fraction.__round__ rounds half to even
    result = Fraction(mantissa) / (Fraction(2) ** shift)
    if result.denominator == 1:
        whole = int(result)
        return -whole if negative else whole
    return -result if negative else result


def number_to_string(value: Number) -> str:
    """big.Float's Text('f', -1), which cty uses to turn a number into a string: plain decimal notation with the
    fewest digits that read back to the same number at its precision; "-0", "+Inf" and "-Inf" as Go writes
    them."""
    if isinstance(value, float):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if is_negative_zero(value) else "0"
    precision = precision_of(value)
    if isinstance(value, int) and value.bit_length() <= precision:
        return str(int(value))  # exact: every digit is needed
    magnitude = abs(Fraction(value))
    digits, exponent = _shortest_digits(magnitude, precision)
    text = _format_f(digits, exponent)
    return "-" + text if value < 0 else text


def _shortest_digits(magnitude: Fraction, precision: int) -> tuple[str, int]:
    """Go's math/big shortest(): the decimal digits d (value 0.d * 10**exponent) of the shortest decimal that
    lies within half an ulp of `magnitude` at `precision` bits, bounds included when the mantissa is even."""
    exponent2 = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    if _at_least_power_of_two(magnitude, exponent2):
        exponent2 += 1
    while not _at_least_power_of_two(magnitude, exponent2 - 1):
        exponent2 -= 1
    # 2**(exponent2-1) <= magnitude < 2**exponent2; the mantissa with one more bit counts half ulps.
    shift = precision + 1 - exponent2
    half_ulps = magnitude * (Fraction(2) ** shift)
    mantissa = round(half_ulps)
    digits, exponent = _exact_decimal(mantissa, -shift)
    lower, _ = _exact_decimal(mantissa - 1, -shift)
    upper, _ = _exact_decimal(mantissa + 1, -shift)
    inclusive = mantissa & 2 == 0
    for index, digit in enumerate(digits):
        low = lower[index] if index < len(lower) else "0"
        high = upper[index] if index < len(upper) else "0"
        ok_down = low != digit or (inclusive and index + 1 == len(lower))
        ok_up = digit != high and (inclusive or int(digit) + 1 < int(high) or index + 1 < len(upper))
        if ok_down and ok_up:
            return _round_digits(digits, exponent, index + 1)
        if ok_down:
            return _round_down(digits, exponent, index + 1)
        if ok_up:
            return _round_up(digits, exponent, index + 1)
    return digits, exponent


def _at_least_power_of_two(value: Fraction, exponent: int) -> bool:
    if exponent >= 0:
        return value.numerator >= value.denominator << exponent
    return value.numerator << -exponent >= value.denominator


def _exact_decimal(mantissa: int, exponent2: int) -> tuple[str, int]:
    """mantissa * 2**exponent2 as decimal digits without trailing zeros and a decimal exponent."""
    if mantissa == 0:
        return "", 0
    if exponent2 >= 0:
        text = str(mantissa << exponent2)
        return text.rstrip("0"), len(text)
    text = str(mantissa * 5**-exponent2)
    return text.rstrip("0"), len(text) + exponent2


def _round_digits(digits: str, exponent: int, n: int) -> tuple[str, int]:
    if n < 0 or n >= len(digits):
        return digits, exponent
    halfway = digits[n] == "5" and n + 1 == len(digits)
    up = (n > 0 and int(digits[n - 1]) % 2 == 1) if halfway else digits[n] >= "5"
    return _round_up(digits, exponent, n) if up else _round_down(digits, exponent, n)


def _round_up(digits: str, exponent: int, n: int) -> tuple[str, int]:
    if n < 0 or n >= len(digits):
        return digits, exponent
    kept = digits[:n].rstrip("9")
    if not kept:
        return "1", exponent + 1
    return kept[:-1] + str(int(kept[-1]) + 1), exponent


def _round_down(digits: str, exponent: int, n: int) -> tuple[str, int]:
    if n < 0 or n >= len(digits):
        return digits, exponent
    return digits[:n].rstrip("0"), exponent


def _format_f(digits: str, exponent: int) -> str:
    if exponent > 0:
        whole = digits[:exponent].ljust(exponent, "0")
        fraction = digits[exponent:]
    else:
        whole = "0"
        fraction = "0" * -exponent + digits
    return f"{whole}.{fraction}" if fraction else whole


def numbers_equal(a: Number, b: Number) -> bool:
    """cty's equality of numbers: whole numbers compare exactly, others by their text (so pow(10, -3), a float64,
    equals the literal 0.001), and -0 equals 0."""
    if is_infinite(a) or is_infinite(b):
        return a == b
    if (a > 0) != (b > 0) or (a < 0) != (b < 0):
        return False
    a_whole = Fraction(a).denominator == 1
    if a_whole or Fraction(b).denominator == 1:
        return a_whole and a == b
    return number_to_string(a) == number_to_string(b)


def _number_key(value: Number) -> Any:
    """Equal for numbers that are one element of a cty set: equal numbers, except that -0 and 0 hash apart."""
    if is_negative_zero(value):
        return "-0"
    if is_infinite(value):
        return value
    if Fraction(value).denominator == 1:
        return int(value)
    return number_to_string(value)


def holds_infinity(value: Value) -> bool:
    """The value is or holds an infinite number, which Terraform computes with but cannot write to a plan or
    state ("Failed to serialize output value")."""
    raw = value.raw
    if isinstance(raw, tuple):
        return any(holds_infinity(item) for item in raw)
    if isinstance(raw, dict):
        return any(holds_infinity(item) for item in raw.values())
    return is_infinite(raw)


def number_to_python(value: Number) -> int | float:
    if is_infinite(value):
        return float(value)
    return int(value) if isinstance(value, int) else float(value)


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
    # What cty knows of an unknown value (see `Refinement`); None: nothing.
    refinement: Refinement | None = None

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
        return Value(self.type, self.raw, True, self.reason, self.refs, self.refinement)

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


def without_marks(value: Value) -> Value:
    """cty's UnmarkDeep: the value with no sensitive mark anywhere."""
    raw = value.raw
    if isinstance(raw, tuple):
        raw = tuple(without_marks(item) for item in raw)
    elif isinstance(raw, dict):
        raw = {key: without_marks(item) for key, item in raw.items()}
    elif not value.sensitive:
        return value
    return Value(value.type, raw, False, value.reason, value.refs, value.refinement)


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
    ordered = sorted(enumerate(unique.values()), key=lambda pair: (set_order_key(pair[1]), pair[0]))
    return Value(SetType(element_type), tuple(item for _, item in ordered), sensitive)


def canonical_key(value: Value) -> Any:
    """A hashable key equal for equal values (type included), for set membership and distinct()."""
    raw = value.raw
    if raw is UNKNOWN_PAYLOAD:
        return ("unknown", id(value))  # two unknowns are never known to be equal
    if isinstance(raw, tuple):
        return (value.type, tuple(canonical_key(item) for item in raw))
    if isinstance(raw, dict):
        return (value.type, tuple((k, canonical_key(v)) for k, v in sorted(raw.items())))
    if value.type == NUMBER and raw is not None:
        return (value.type, _number_key(raw))
    return (value.type, raw)


def set_order_key(value: Value) -> Any:
    """cty's order of set elements: known values first (strings lexically, numbers ascending, false before
    true, other values by their set hash text), then unknowns, then nulls; elements that compare equal keep the
    order of their hash buckets (a CRC-32 of the hash text), as cty's stable sort leaves them."""
    raw = value.raw
    bucket = zlib.crc32(set_hash_text(value).encode("utf-8"))
    if raw is UNKNOWN_PAYLOAD:
        return (1, 0, bucket)
    if raw is None:
        return (2, 0, bucket)
    if isinstance(raw, (bool, str)) or value.type == NUMBER:
        return (0, raw, bucket)
    return (0, set_hash_text(value).encode("utf-8"), bucket)


def set_hash_text(value: Value) -> str:
    """cty's appendSetHashBytes: the text a set hashes an element by (numbers with 10 significant digits)."""
    raw = value.raw
    if raw is UNKNOWN_PAYLOAD:
        return "?"
    if raw is None:
        return "~"
    if isinstance(raw, bool):
        return "T" if raw else "F"
    if isinstance(raw, str):
        return go_quote(raw)
    if value.type == NUMBER:
        return _number_g10(raw)
    if isinstance(raw, dict):
        if isinstance(value.type, MapType):
            return "{" + "".join(f"{go_quote(k)}:{set_hash_text(raw[k])};" for k in sorted(raw)) + "}"
        return "<" + "".join(f"{set_hash_text(raw[k])};" for k in sorted(raw)) + ">"
    if isinstance(value.type, TupleType):
        return "<" + "".join(f"{set_hash_text(item)};" for item in raw) + ">"
    return "[" + "".join(f"{set_hash_text(item)};" for item in raw) + "]"


def go_quote(text: str) -> str:
    """Go's strconv.Quote."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif char.isprintable() or char == " ":
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _number_g10(value: Number) -> str:
    """big.Float's String(): Text('g', 10)."""
    if isinstance(value, float):
        return "+Inf" if value > 0 else "-Inf"
    sign = "-" if value < 0 or is_negative_zero(value) else ""
    if value == 0:
        return sign + "0"
    magnitude = abs(Fraction(value))
    digits, exponent = _exact_decimal_of(magnitude)
    digits, exponent = _round_digits(digits, exponent, 10)
    precision = 10
    exponent_limit = len(digits) if precision > len(digits) and len(digits) >= exponent else precision
    if exponent - 1 < -4 or exponent - 1 >= exponent_limit:
        shown = min(precision, len(digits))
        mantissa = digits[0] + ("." + digits[1:shown].ljust(shown - 1, "0") if shown > 1 else "")
        power = exponent - 1
        return f"{sign}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if precision > exponent:
        precision = len(digits)
    decimals = max(precision - exponent, 0)
    whole = digits[:exponent].ljust(exponent, "0") if exponent > 0 else "0"
    fraction = "".join(digits[exponent + i] if 0 <= exponent + i < len(digits) else "0" for i in range(decimals))
    return f"{sign}{whole}.{fraction}" if decimals else sign + whole


def _exact_decimal_of(magnitude: Fraction) -> tuple[str, int]:
    """A positive dyadic rational as exact decimal digits and exponent (0.digits * 10**exponent)."""
    denominator = magnitude.denominator
    twos = denominator.bit_length() - 1  # a power of two
    return _exact_decimal(magnitude.numerator, 0) if twos == 0 else _exact_decimal(magnitude.numerator, -twos)


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


# --- refinements -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refinement:
    """cty's refinements of an unknown value: what is known of the value it will have. It is not null; a string
    starts with `prefix`; a number lies between `lower` and `upper` (None: unbounded); a collection has between
    `min_length` and `max_length` elements."""

    not_null: bool = False
    prefix: str = ""
    lower: Number | None = None
    lower_inclusive: bool = False
    upper: Number | None = None
    upper_inclusive: bool = False
    min_length: int = 0
    max_length: int | None = None


NOT_NULL = Refinement(not_null=True)


def refined(value: Value, refinement: Refinement) -> Value:
    """cty's RefineWith(...).NewValue(): the unknown value with what is now known of it, which is a known value
    when that pins it down (a number between equal inclusive bounds, an empty collection, a list of a known
    length). Known values and DynamicVal are returned unchanged."""
    if value.is_known or value.type == DYNAMIC:
        return value
    if refinement.not_null:
        pinned = _pinned_value(value.type, refinement)
        if pinned is not None:
            return pinned.with_sensitive(value.sensitive)
    return Value(value.type, UNKNOWN_PAYLOAD, value.sensitive, value.reason, value.refs, refinement)


def refine_not_null(value: Value) -> Value:
    current = value.refinement or Refinement()
    return refined(value, Refinement(True, *_fields(current)[1:]))


def _fields(refinement: Refinement) -> tuple[Any, ...]:
    return (refinement.not_null, refinement.prefix, refinement.lower, refinement.lower_inclusive, refinement.upper,
            refinement.upper_inclusive, refinement.min_length, refinement.max_length)


def _pinned_value(value_type: Type, refinement: Refinement) -> Value | None:
    if value_type == NUMBER:
        if (refinement.lower is not None and refinement.upper is not None and refinement.lower_inclusive
                and refinement.upper_inclusive and numbers_equal(refinement.lower, refinement.upper)):
            return Value(NUMBER, refinement.lower)
        return None
    if isinstance(value_type, (ListType, SetType, MapType)) and refinement.min_length == refinement.max_length:
        length = refinement.min_length
        if length == 0:
            return Value(value_type, {} if isinstance(value_type, MapType) else ())
        if isinstance(value_type, ListType):
            return Value(value_type, tuple(unknown(value_type.element) for _ in range(length)))
        if isinstance(value_type, SetType) and length == 1:
            return Value(value_type, (unknown(value_type.element),))
    return None


def value_range(value: Value) -> Refinement | None:
    """cty's Value.Range for what equality and conditionals ask: a known value's own bounds, an unknown
    value's refinement; None for a null."""
    if not value.is_known:
        return value.refinement or Refinement()
    if value.is_null:
        return None
    if value.type == STRING:
        return Refinement(True, prefix=value.raw)
    if value.type == NUMBER:
        return Refinement(True, lower=value.raw, lower_inclusive=True, upper=value.raw, upper_inclusive=True)
    if isinstance(value.type, (ListType, SetType, MapType)):
        length = len(value.raw)
        return Refinement(True, min_length=length, max_length=length)
    return NOT_NULL


def definitely_not_null(value: Value) -> bool:
    if value.is_known:
        return not value.is_null
    return value.refinement is not None and value.refinement.not_null


def _range_excludes(unknown_value: Value, known: Value) -> bool:
    """cty's ValueRange.Includes(known) is known false: the known value is not one the unknown one can be."""
    refinement = unknown_value.refinement
    if refinement is None:
        return False
    if known.is_null:
        return refinement.not_null
    if unknown_value.type != DYNAMIC and not _conforms(known.type, unknown_value.type):
        return True
    if unknown_value.type == STRING and known.type == STRING:
        return not known.raw.startswith(refinement.prefix)
    if isinstance(unknown_value.type, (ListType, SetType, MapType)) and isinstance(known.raw, (tuple, dict)):
        length = len(known.raw)
        return length < refinement.min_length or (refinement.max_length is not None
                                                  and length > refinement.max_length)
    if unknown_value.type == NUMBER and known.type == NUMBER:
        number = known.raw
        if refinement.lower is not None and (number < refinement.lower if refinement.lower_inclusive
                                             else number <= refinement.lower):
            return True
        if refinement.upper is not None and (number > refinement.upper if refinement.upper_inclusive
                                             else number >= refinement.upper):
            return True
    return False


def _conforms(value_type: Type, constraint: Type) -> bool:
    """cty's TestConformance: equal types, with DynamicPseudoType in `constraint` matching anything."""
    if constraint == DYNAMIC or value_type == constraint:
        return True
    if type(value_type) is not type(constraint):
        return False
    if isinstance(constraint, (ListType, SetType, MapType)):
        return _conforms(value_type.element, constraint.element)  # type: ignore[attr-defined]
    if isinstance(constraint, TupleType):
        elements = value_type.elements  # type: ignore[attr-defined]
        return len(elements) == len(constraint.elements) and all(
            _conforms(a, b) for a, b in zip(elements, constraint.elements, strict=True))
    if isinstance(constraint, ObjectType):
        have = value_type.attribute_types  # type: ignore[attr-defined]
        return have.keys() == constraint.attribute_types.keys() and all(
            _conforms(have[name], t) for name, t in constraint.attributes)
    return False


def has_dynamic_types(value_type: Type) -> bool:
    if value_type == DYNAMIC:
        return True
    if isinstance(value_type, (ListType, SetType, MapType)):
        return has_dynamic_types(value_type.element)
    if isinstance(value_type, TupleType):
        return any(has_dynamic_types(t) for t in value_type.elements)
    if isinstance(value_type, ObjectType):
        return any(has_dynamic_types(t) for _, t in value_type.attributes)
    return False


def _has_wholly_known_type(value: Value) -> bool:
    if value.is_null:
        return True
    if not value.is_known:
        return not has_dynamic_types(value.type)
    if isinstance(value.raw, tuple):
        return all(_has_wholly_known_type(item) for item in value.raw)
    if isinstance(value.raw, dict):
        return all(_has_wholly_known_type(item) for item in value.raw.values())
    return True


def equals(left: Value, right: Value) -> bool | None:
    """cty's Value.Equals (marks aside): True, False, or None for unknown. Nulls are equal whatever their type;
    values of different types are unequal, also when one is unknown (unless it could still be null or of a
    dynamic type); what is known of an unknown value (its refinements) can make it unequal; collections compare
    element by element in order, and the first undecided pair makes the result unknown."""
    if left.is_known and left.is_null and definitely_not_null(right):
        return False
    if right.is_known and right.is_null and definitely_not_null(left):
        return False
    if left.is_known and not right.is_known and _range_excludes(right, left):
        return False
    if right.is_known and not left.is_known and _range_excludes(left, right):
        return False
    if not left.is_known and not right.is_known:
        return None
    if left.is_known != right.is_known:
        known, other = (left, right) if left.is_known else (right, left)
        if known.is_null or has_dynamic_types(other.type):
            return None
        return False if known.type != other.type else None
    if left.is_null or right.is_null:
        return left.is_null and right.is_null
    if not _has_wholly_known_type(left) or not _has_wholly_known_type(right):
        if not _conforms(left.type, right.type) and not _conforms(right.type, left.type):
            return False
        return None
    if left.type != right.type:
        return False
    raw_left, raw_right = left.raw, right.raw
    if left.type == NUMBER:
        return numbers_equal(raw_left, raw_right)
    if isinstance(left.type, SetType):
        if any(not item.is_known for item in raw_left + raw_right):
            return None
        return {canonical_key(item) for item in raw_left} == {canonical_key(item) for item in raw_right}
    if isinstance(raw_left, tuple):
        if len(raw_left) != len(raw_right):
            return False
        pairs = list(zip(raw_left, raw_right, strict=True))
    elif isinstance(raw_left, dict):
        if len(raw_left) != len(raw_right):
            return False
        pairs = []
        for key in sorted(raw_left):
            if key not in raw_right:
                return False
            pairs.append((raw_left[key], raw_right[key]))
    else:
        return raw_left == raw_right
    for a, b in pairs:
        equal = equals(a, b)
        if equal is None:
            return None
        if not equal:
            return False
    return True


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
        # cty keeps what the unknown value's type says where the target's is dynamic, and its not-null mark.
        converted = Value(dynamic_replace(value.type, target), UNKNOWN_PAYLOAD, value.sensitive, value.reason,
                          value.refs)
        return refine_not_null(converted) if definitely_not_null(value) else converted
    if value.is_null:
        if not can_convert_type(value.type, target):
            raise ConversionError(f"{target.friendly()} required")
        return Value(dynamic_replace(value.type, target), None, value.sensitive)
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


def dynamic_replace(source: Type, target: Type) -> Type:
    """cty's dynamicReplace: the target type, with its dynamic parts taken from the source type where it has
    them (an unknown or null value converted to list(dynamic) keeps its element type)."""
    if source == DYNAMIC:
        return target
    if target == DYNAMIC:
        return source
    if isinstance(target, PrimitiveType):
        return target
    if isinstance(target, MapType):
        if isinstance(source, MapType):
            return MapType(dynamic_replace(source.element, target.element))
        if isinstance(source, ObjectType):
            unified = unify([t for _, t in source.attributes])
            return MapType(dynamic_replace(unified or DYNAMIC, target.element))
        return target
    if isinstance(target, ObjectType):
        attributes: dict[str, Type] = {}
        if isinstance(source, MapType):
            attributes = {name: dynamic_replace(source.element, t) for name, t in target.attributes}
        elif isinstance(source, ObjectType):
            have = source.attribute_types
            attributes = {name: dynamic_replace(have[name], t) if name in have else t for name, t in target.attributes}
        return ObjectType.of(attributes)
    if isinstance(target, (SetType, ListType)):
        if isinstance(source, (SetType, ListType)):
            return type(target)(dynamic_replace(source.element, target.element))
        if isinstance(source, TupleType):
            unified = unify(list(source.elements))
            return type(target)(dynamic_replace(unified or DYNAMIC, target.element))
        return target
    if isinstance(target, TupleType) and isinstance(source, TupleType):
        return TupleType(tuple(dynamic_replace(s, t) for s, t in zip(source.elements, target.elements, strict=False)))
    return target


def can_convert_type(source: Type, target: Type) -> bool:
    """Whether cty has an (unsafe) conversion from `source` to `target` (convert.GetConversionUnsafe)."""
    if source == target or DYNAMIC in (source, target):
        return True
    if isinstance(target, PrimitiveType) and isinstance(source, PrimitiveType):
        return target == STRING or source == STRING
    if isinstance(target, (ListType, SetType)):
        if isinstance(source, (ListType, SetType)):
            return can_convert_type(source.element, target.element)
        if isinstance(source, TupleType):
            return _members_convert(list(source.elements), target.element, all_dynamic=True)
        return False
    if isinstance(target, MapType):
        if isinstance(source, MapType):
            return can_convert_type(source.element, target.element)
        if isinstance(source, ObjectType):
            return _members_convert([t for _, t in source.attributes], target.element, all_dynamic=False)
        return False
    if isinstance(target, TupleType):
        # cty converts a tuple to a tuple only (never a list or a set: their length is not in their type).
        return (
            isinstance(source, TupleType)
            and len(source.elements) == len(target.elements)
            and all(can_convert_type(s, t) for s, t in zip(source.elements, target.elements, strict=True))
        )
    if isinstance(target, ObjectType):
        if isinstance(source, ObjectType):
            have = source.attribute_types
            return all(name in have and can_convert_type(have[name], t) for name, t in target.attributes)
        if isinstance(source, MapType):
            return all(can_convert_type(source.element, t) for _, t in target.attributes)
    return False


def _members_convert(members: list[Type], element: Type, all_dynamic: bool) -> bool:
    """A tuple's elements or an object's attributes to one collection element type (cty's conversionTupleToList
    and conversionObjectToMap: a dynamic element type is their unified type; a tuple's elements unified to
    dynamic must all be dynamic, an object's need not)."""
    if not members:
        return True
    if element == DYNAMIC:
        unified = unify(members)
        if unified is None:
            return False
        if unified == DYNAMIC and all_dynamic:
            return all(t == DYNAMIC for t in members)
        element = unified
    return all(can_convert_type(t, element) for t in members)


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
    """A string as cty reads it as a number (big.ParseFloat in base 10): decimal notation with an optional
    decimal (e) or binary (p) exponent, or an infinity ("inf", "Inf"), with a sign and nothing around it."""
    match = _GO_FLOAT.fullmatch(text)
    if match is None:
        return None
    sign, mantissa, marker, exponent = match.groups()
    if mantissa in ("inf", "Inf"):
        return -math.inf if sign == "-" else math.inf
    power = int(exponent or 0)
    if abs(power) > _LARGEST_EXPONENT:
        return None  # beyond what mlmarket computes with (Terraform's limit is 2**31 binary digits)
    value = Fraction(Decimal(mantissa))
    if marker in ("p", "P"):
        value *= Fraction(2) ** power
    elif marker:
        value *= Fraction(10) ** power
    if value == 0 and sign == "-":
        return NEGATIVE_ZERO
    return make_number(-value if sign == "-" else value)


_GO_FLOAT = re.compile(r"([+-]?)(inf|Inf|[0-9]+\.?[0-9]*|\.[0-9]+)(?:([eEpP])([+-]?[0-9]+))?")
_LARGEST_EXPONENT = 20000


def _convert_to_sequence(value: Value, target: ListType | SetType) -> Value:
    if not isinstance(value.type, (ListType, SetType, TupleType)):
        raise ConversionError(f"{target.friendly()} required")
    items = value.elements()
    element_type = target.element
    if element_type == DYNAMIC:
        # An empty list or set keeps its own element type (cty prefers it to a dynamic one).
        empty_type = value.type.element if isinstance(value.type, (ListType, SetType)) else DYNAMIC
        unified = unify([item.type for item in items]) if items else empty_type
        if unified is None:
            raise ConversionError(f"{target.friendly()} required: all elements must have the same type")
        if unified == DYNAMIC and isinstance(value.type, TupleType) and any(item.type != DYNAMIC for item in items):
            raise ConversionError(f"{target.friendly()} required: all elements must have the same type")
        element_type = unified
    converted = [_convert_element(item, element_type, index) for index, item in enumerate(items)]
    element_type = _common_element_type(element_type, converted)
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
        empty_type = value.type.element if isinstance(value.type, MapType) else DYNAMIC
        unified = unify([item.type for item in items.values()]) if items else empty_type
        if unified is None:
            raise ConversionError(f"{target.friendly()} required: all map elements must have the same type")
        element_type = unified
    converted = {key: _convert_element(item, element_type, repr(key)) for key, item in items.items()}
    return map_of(_common_element_type(element_type, list(converted.values())), converted, value.sensitive)


def _common_element_type(element_type: Type, converted: Sequence[Value]) -> Type:
    """cty.ListVal/MapVal of the converted elements: they must all have one type (a conversion to a dynamic
    element type leaves each as it is: "attribute types must all match for conversion to map")."""
    if element_type != DYNAMIC:
        return element_type
    types = {item.type for item in converted}
    if len(types) > 1:
        raise ConversionError("all elements must have the same type")
    return types.pop() if types else DYNAMIC


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
    """cty's convert.UnifyUnsafe: the one type every given type converts to, or None. Collections of one kind
    unify their element types (a dynamic member makes the result dynamic), objects with the same attributes
    unify attribute by attribute and otherwise become a map, tuples likewise become a list; other mixtures take
    the most general type the others convert to (string over number and bool, a collection over a structural
    type)."""
    types = list(types)
    if not types:
        return None
    count = {kind: sum(isinstance(t, kind) for t in types) for kind in (MapType, ListType, SetType, ObjectType,
                                                                       TupleType)}
    dynamic = sum(t == DYNAMIC for t in types)
    total = len(types)
    if count[MapType] and count[MapType] + dynamic == total:
        return _unify_collections(MapType, types, dynamic > 0)
    if count[MapType] and count[MapType] + count[ObjectType] + dynamic == total:
        as_maps = _unify_structural_as(MapType, ObjectType, types)
        if as_maps is not None:
            return as_maps
    elif count[ListType] and count[ListType] + dynamic == total:
        return _unify_collections(ListType, types, dynamic > 0)
    elif count[ListType] and count[ListType] + count[TupleType] + dynamic == total:
        as_lists = _unify_structural_as(ListType, TupleType, types)
        if as_lists is not None:
            return as_lists
    elif count[SetType] and count[SetType] + dynamic == total:
        return _unify_collections(SetType, types, dynamic > 0)
    elif count[ObjectType] and count[ObjectType] + dynamic == total:
        return DYNAMIC if dynamic else _unify_objects(types)
    elif count[TupleType] and count[TupleType] + dynamic == total:
        return DYNAMIC if dynamic else _unify_tuples(types)
    elif count[ObjectType] and count[TupleType]:
        return None
    for wanted in _preference_order(types):
        if all(t == wanted or can_convert_type(t, wanted) for t in types):
            return wanted
    return None


def _unify_collections(kind: type, types: list[Type], has_dynamic: bool) -> Type | None:
    if has_dynamic:
        return DYNAMIC
    element = unify([t.element for t in types])  # type: ignore[attr-defined]
    if element is None:
        return None
    result = kind(element)
    return result if all(can_convert_type(t, result) for t in types) else None


def _unify_objects(types: list[Type]) -> Type | None:
    names = {name for name, _ in types[0].attributes}  # type: ignore[attr-defined]
    if any({name for name, _ in t.attributes} != names for t in types[1:]):  # type: ignore[attr-defined]
        return _unify_to_collection(MapType, types)
    attributes = {}
    for name in names:
        unified = unify([t.attribute_types[name] for t in types])  # type: ignore[attr-defined]
        if unified is None:
            return None
        attributes[name] = unified
    result = ObjectType.of(attributes)
    if all(can_convert_type(t, result) for t in types):
        return result
    return _unify_to_collection(MapType, types)


def _unify_tuples(types: list[Type]) -> Type | None:
    length = len(types[0].elements)  # type: ignore[attr-defined]
    if any(len(t.elements) != length for t in types[1:]):  # type: ignore[attr-defined]
        return _unify_to_collection(ListType, types)
    elements = []
    for index in range(length):
        unified = unify([t.elements[index] for t in types])  # type: ignore[attr-defined]
        if unified is None:
            return None
        elements.append(unified)
    result = TupleType(tuple(elements))
    if all(can_convert_type(t, result) for t in types):
        return result
    return _unify_to_collection(ListType, types)


def _unify_to_collection(kind: type, types: list[Type]) -> Type | None:
    """Objects as a map (tuples as a list) of the unified type of all their attributes (elements)."""
    members = [member for t in types for member in _structural_members(t)]
    element = unify(members)
    if element is None:
        return None
    result = kind(element)
    return result if all(can_convert_type(t, result) for t in types) else None


def _unify_structural_as(kind: type, structural: type, types: list[Type]) -> Type | None:
    """Maps with objects (lists with tuples): the objects unified to a map first, then all of them."""
    as_collection = _unify_to_collection(kind, [t for t in types if isinstance(t, structural)])
    if not isinstance(as_collection, kind):
        return None
    unified = unify([as_collection if isinstance(t, structural) else t for t in types])
    return unified if isinstance(unified, kind) else None


def _structural_members(t: Type) -> list[Type]:
    if isinstance(t, ObjectType):
        return [a for _, a in t.attributes]
    return list(t.elements) if isinstance(t, TupleType) else []


def _preference_order(types: list[Type]) -> list[Type]:
    """cty's sortTypes: a topological order of the types by generality (the most general first)."""
    size = len(types)
    edges: list[list[int]] = [[] for _ in range(size)]
    for i in range(size - 1):
        for j in range(i + 1, size):
            comparison = _compare_types(types[i], types[j])
            if comparison < 0:
                edges[i].append(j)
            elif comparison > 0:
                edges[j].append(i)
    in_degree = [0] * size
    for outs in edges:
        for j in outs:
            in_degree[j] += 1
    queue = [i for i in range(size) if in_degree[i] == 0]
    order: list[int] = []
    while queue:
        i = queue.pop(0)
        order.append(i)
        for j in edges[i]:
            in_degree[j] -= 1
            if in_degree[j] == 0:
                queue.append(j)
    return [types[i] for i in order]


def _compare_types(a: Type, b: Type) -> int:
    """cty's compareTypes: negative when `a` is the more general (others convert to it), positive for `b`."""
    if DYNAMIC in (a, b):
        return 0 if a == b else (-1 if b == DYNAMIC else 1)
    if isinstance(a, PrimitiveType) and isinstance(b, PrimitiveType) and STRING in (a, b):
        return 0 if a == b else (-1 if a == STRING else 1)
    for kind in (ListType, SetType, MapType):
        if isinstance(a, kind) and isinstance(b, kind):
            return _compare_types(a.element, b.element)  # type: ignore[attr-defined]
    swap = 1
    if (
        (isinstance(a, TupleType) and isinstance(b, ListType))
        or (isinstance(a, ObjectType) and isinstance(b, MapType))
        or (isinstance(a, SetType) and isinstance(b, (TupleType, ListType)))
    ):
        a, b = b, a
        swap = -1
    if isinstance(b, SetType) and isinstance(a, (TupleType, ListType)):
        return -1 * swap
    if (isinstance(a, ListType) and isinstance(b, TupleType)) or (isinstance(a, MapType) and isinstance(b, ObjectType)):
        return -1 * swap
    if isinstance(a, ObjectType) and isinstance(b, ObjectType):
        types_a, types_b = a.attribute_types, b.attribute_types
        if len(types_a) != len(types_b) or any(name not in types_b for name in types_a):
            return 0
        pairs = [(types_a[name], types_b[name]) for name in types_a]
    elif isinstance(a, TupleType) and isinstance(b, TupleType):
        if len(a.elements) != len(b.elements):
            return 0
        pairs = list(zip(a.elements, b.elements, strict=True))
    else:
        return 0
    comparisons = [_compare_types(x, y) for x, y in pairs]
    a_super, b_super = any(c < 0 for c in comparisons), any(c > 0 for c in comparisons)
    if a_super == b_super:
        return 0
    return -1 * swap if a_super else swap


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
