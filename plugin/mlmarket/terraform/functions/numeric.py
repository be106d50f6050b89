"""Numeric functions (go-cty's stdlib and Terraform's funcs) and the arithmetic of HCL's operators.

Numbers are cty's big.Float values (see values.py): a precision per number, signed zeros and infinities. log
and pow compute in float64 as Go's math package does, and their results keep float64's 53 bits; an infinity
is a value like any other until it reaches a plan (Terraform cannot write it there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from mlmarket.terraform.functions import CallContext, FunctionError, Param, function
from mlmarket.terraform.values import (
    DYNAMIC,
    INT64_BITS,
    NUMBER,
    STRING,
    ConversionError,
    ListType,
    MapType,
    Number,
    ObjectType,
    SetType,
    TupleType,
    Type,
    Value,
    binary_number,
    convert,
    float64_number,
    int64_number,
    is_infinite,
    is_negative_zero,
    make_number,
    precision_of,
    unknown_from,
)

_N = Param("num", NUMBER)


def _float64_result(value: float) -> Value:
    """cty.NumberFloatVal of a Go float64 result, which panics on NaN (Terraform reports the panic)."""
    if math.isnan(value):
        raise FunctionError("the result is not a number (NaN)")
    return Value(NUMBER, float64_number(value))


# --- operators (for the evaluator) ----------------------------------------------------------------------------
# big.Float's arithmetic, as cty's operator functions use it: a sum or quotient is rounded to the larger
# precision of its operands, a product to 512 bits (keeping the operands' precision when that is larger),
# zeros keep IEEE signs, a division by zero is infinite, and the operations without a value (opposing
# infinities, zero by infinity) are the errors cty's functions report.


def add(x: Number, y: Number) -> Number:
    if is_infinite(x) or is_infinite(y):
        if is_infinite(x) and is_infinite(y) and x != y:
            raise FunctionError("can't compute sum of opposing infinities")
        return x if is_infinite(x) else y
    return _add_finite(x, y)


def subtract(x: Number, y: Number) -> Number:
    if is_infinite(x) and is_infinite(y) and x == y:
        raise FunctionError("can't subtract infinity from itself")
    return add(x, negate(y))


def _add_finite(x: Number, y: Number) -> Number:
    precision = max(precision_of(x), precision_of(y))
    if x == 0 and y == 0:
        return binary_number(0, precision, negative_zero=is_negative_zero(x) and is_negative_zero(y))
    return binary_number(Fraction(x) + Fraction(y), precision)


def negate(x: Number) -> Number:
    if is_infinite(x):
        return -x
    if x == 0:
        return binary_number(0, precision_of(x), negative_zero=not is_negative_zero(x))
    return binary_number(-Fraction(x), precision_of(x))


def multiply(x: Number, y: Number) -> Number:
    negative = _is_negative(x) != _is_negative(y)
    if is_infinite(x) or is_infinite(y):
        if x == 0 or y == 0:
            raise FunctionError("can't multiply zero by infinity")
        return -math.inf if negative else math.inf
    precision = max(precision_of(x), precision_of(y))
    if x == 0 or y == 0:
        return binary_number(0, precision, negative_zero=negative)
    product = make_number(Fraction(x) * Fraction(y))
    return binary_number(product, max(precision, _minimum_precision(product)))


def divide(x: Number, y: Number) -> Number:
    """`x / y`: a division by zero is infinite; zero by zero or infinity by infinity has no value."""
    negative = _is_negative(x) != _is_negative(y)
    if (x == 0 and y == 0) or (is_infinite(x) and is_infinite(y)):
        raise FunctionError("can't divide zero by zero or infinity by infinity")
    if is_infinite(x) or y == 0:
        return -math.inf if negative else math.inf
    precision = max(precision_of(x), precision_of(y))
    if is_infinite(y) or x == 0:
        return binary_number(0, precision, negative_zero=negative)
    return binary_number(Fraction(x) / Fraction(y), precision)


def modulo(x: Number, y: Number) -> Number:
    """`x % y` as cty computes it: x - y * trunc(x / y) at x's precision, so the result has the sign of x
    (-7 % 3 is -1); x % 0 is x. cty has no answer with an infinity: zero times infinity (x % inf), or a panic
    on the whole part of an infinite quotient (inf % y)."""
    if is_infinite(x) or is_infinite(y):
        raise FunctionError("can't use modulo with zero and infinity")
    if y == 0:
        return x
    precision = precision_of(x)
    whole = int(Fraction(divide(x, y)))
    if whole == 0:
        product = binary_number(0, precision, negative_zero=_is_negative(y))
    else:
        product = binary_number(Fraction(y) * binary_number(whole, precision), precision)
    if x == 0 and product == 0:
        return binary_number(0, precision, negative_zero=is_negative_zero(x) and not is_negative_zero(product))
    return binary_number(Fraction(x) - Fraction(product), precision)


def _is_negative(value: Number) -> bool:
    return value < 0 or is_negative_zero(value)


def _minimum_precision(value: Number) -> int:
    """big.Float's MinPrec: the bits of the mantissa without its trailing zeros."""
    if value == 0:
        return 0
    fraction = abs(Fraction(value))
    numerator, denominator = fraction.numerator, fraction.denominator
    if denominator == 1:
        return numerator.bit_length() - ((numerator & -numerator).bit_length() - 1)
    return numerator.bit_length()  # an odd numerator over a power of two


# --- functions ------------------------------------------------------------------------------------------------


def _go_float(value: Value) -> float:
    """gocty.FromCtyValue(number, &float64): the nearest float64 (big.Float.Float64, signed zero kept)."""
    raw = value.raw
    if is_infinite(raw):
        return raw
    if raw == 0:
        return -0.0 if is_negative_zero(raw) else 0.0
    try:
        return float(Fraction(raw))
    except OverflowError:
        return math.inf if raw > 0 else -math.inf


def _go_int(value: Value) -> int:
    raw = value.raw
    if not isinstance(raw, int) or not -(2**63) <= raw < 2**63:
        raise FunctionError("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
    return raw


@function("abs", [_N], returns=NUMBER)
def _abs(context: CallContext, args: Sequence[Value]) -> Value:
    raw = args[0].raw
    if is_infinite(raw):
        return Value(NUMBER, abs(raw))
    return Value(NUMBER, binary_number(abs(Fraction(raw)), precision_of(raw)))


@function("ceil", [_N], returns=NUMBER)
def _ceil(context: CallContext, args: Sequence[Value]) -> Value:
    # The whole number is rounded to the argument's precision (big.Float.SetInt on a copy of it).
    raw = args[0].raw
    if is_infinite(raw):
        return Value(NUMBER, raw)
    return Value(NUMBER, binary_number(math.ceil(Fraction(raw)), precision_of(raw)))


@function("floor", [_N], returns=NUMBER)
def _floor(context: CallContext, args: Sequence[Value]) -> Value:
    raw = args[0].raw
    if is_infinite(raw):
        return Value(NUMBER, raw)
    return Value(NUMBER, binary_number(math.floor(Fraction(raw)), precision_of(raw)))


@function("signum", [_N], returns=NUMBER)
def _signum(context: CallContext, args: Sequence[Value]) -> Value:
    number = _go_int(args[0])
    return Value(NUMBER, int64_number((number > 0) - (number < 0)))


_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_L = (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01,
      1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01)


def _go_log(x: float) -> float:
    """Go's math.Log (the FreeBSD algorithm Go implements), so results agree to the last bit."""
    if math.isnan(x) or x == math.inf:
        return x
    if x < 0:
        return math.nan
    if x == 0:
        return -math.inf
    f1, ki = math.frexp(x)
    if f1 < math.sqrt(2) / 2:
        f1 *= 2
        ki -= 1
    f = f1 - 1
    k = float(ki)
    s = f / (2 + f)
    s2 = s * s
    s4 = s2 * s2
    t1 = s2 * (_L[0] + s4 * (_L[2] + s4 * (_L[4] + s4 * _L[6])))
    t2 = s4 * (_L[1] + s4 * (_L[3] + s4 * _L[5]))
    r = t1 + t2
    hfsq = 0.5 * f * f
    return k * _LN2_HI - ((hfsq - (s * (hfsq + r) + k * _LN2_LO)) - f)


@function("log", [_N, Param("base", NUMBER)], returns=NUMBER)
def _log(context: CallContext, args: Sequence[Value]) -> Value:
    numerator = _go_log(_go_float(args[0]))
    denominator = _go_log(_go_float(args[1]))
    if denominator == 0:
        result = math.nan if numerator == 0 or math.isnan(numerator) else math.copysign(math.inf, numerator)
    elif math.isinf(numerator) and math.isinf(denominator):
        result = math.nan
    else:
        result = numerator / denominator
    return _float64_result(result)


def _is_odd_int(y: float) -> bool:
    if abs(y) >= 2**53:
        return False
    whole, fraction = math.modf(y)
    return fraction == 0 and int(whole) % 2 == 1


def _go_pow(x: float, y: float) -> float:
    """Go's math.Pow (exponentiation by squaring; math.exp for a fractional power)."""
    if y == 0 or x == 1:
        return 1.0
    if y == 1:
        return x
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0:
        if y < 0:
            return -math.inf if math.copysign(1, x) < 0 and _is_odd_int(y) else math.inf
        return x if math.copysign(1, x) < 0 and _is_odd_int(y) else 0.0
    if math.isinf(y):
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    if math.isinf(x):
        if x < 0:
            return _go_pow(1 / x, -y)
        return 0.0 if y < 0 else math.inf
    if y == 0.5:
        return math.sqrt(x) if x >= 0 else math.nan
    if y == -0.5:
        return 1 / math.sqrt(x) if x > 0 else math.nan
    yf, yi = math.modf(abs(y))
    if yf != 0 and x < 0:
        return math.nan
    if yi >= 2**63:
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    a1, ae = 1.0, 0
    if yf != 0:
        if yf > 0.5:
            yf -= 1
            yi += 1
        a1 = math.exp(yf * _go_log(x))
    x1, xe = math.frexp(x)
    i = int(yi)
    while i != 0:
        if xe < -(1 << 12) or xe > (1 << 12):
            ae += xe
            break
        if i & 1 == 1:
            a1 *= x1
            ae += xe
        x1 *= x1
        xe <<= 1
        if x1 < 0.5:
            x1 += x1
            xe -= 1
        i >>= 1
    if y < 0:
        a1 = 1 / a1
        ae = -ae
    try:
        return math.ldexp(a1, ae)
    except OverflowError:
        return math.copysign(math.inf, a1)


@function("pow", [_N, Param("power", NUMBER)], returns=NUMBER)
def _pow(context: CallContext, args: Sequence[Value]) -> Value:
    return _float64_result(_go_pow(_go_float(args[0]), _go_float(args[1])))


@function("max", variadic=Param("numbers", NUMBER), returns=NUMBER)
def _max(context: CallContext, args: Sequence[Value]) -> Value:
    if not args:
        raise FunctionError("must pass at least one number")
    # cty starts from -Inf and keeps the first of equal numbers (max(-0, 0) is -0).
    best: Number = -math.inf
    for value in args:
        if value.raw > best:
            best = value.raw
    return Value(NUMBER, best)


@function("min", variadic=Param("numbers", NUMBER), returns=NUMBER)
def _min(context: CallContext, args: Sequence[Value]) -> Value:
    if not args:
        raise FunctionError("must pass at least one number")
    best: Number = math.inf
    for value in args:
        if value.raw < best:
            best = value.raw
    return Value(NUMBER, best)


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _parse_go_int(text: str, base: int) -> int | None:
    """big.Int.SetString(text, base) for 2 <= base <= 62."""
    sign = 1
    if text[:1] in "+-" and text:
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if not text:
        return None
    result = 0
    for char in text:
        if base <= 36:
            digit = _DIGITS.find(char.lower()) if char.isascii() else -1
        else:
            digit = _DIGITS.find(char) if char.isascii() else -1
        if digit < 0 or digit >= base:
            return None
        result = result * base + digit
    return sign * result


def _parseint_type(args: Sequence[Value]) -> Type:
    if args[0].type != STRING:
        raise FunctionError(f"first argument must be a string, not {args[0].type.friendly()}", 0)
    return NUMBER


@function(
    "parseint",
    [Param("number", DYNAMIC, allow_unknown=True), Param("base", NUMBER, allow_unknown=True)],
    returns=_parseint_type,
)
def _parseint(context: CallContext, args: Sequence[Value]) -> Value:
    _parseint_type(args)
    if not args[0].is_known or not args[1].is_known:
        return unknown_from(list(args), NUMBER)
    base = _go_int(args[1])
    if base < 2 or base > 62:
        raise FunctionError("base must be a whole number between 2 and 62 inclusive", 1)
    parsed = _parse_go_int(args[0].raw, base)
    if parsed is None:
        raise FunctionError(f"cannot parse {args[0].raw!r} as a base {base} integer", 0)
    # big.Float.SetInt: as many bits as the integer has, at least 64.
    return Value(NUMBER, binary_number(parsed, max(abs(parsed).bit_length(), INT64_BITS)))


@function("sum", [Param("list", DYNAMIC)], returns=NUMBER)
def _sum(context: CallContext, args: Sequence[Value]) -> Value:
    collection = args[0]
    if not isinstance(collection.raw, (tuple, dict)):
        raise FunctionError("cannot sum noniterable")
    if not collection.raw:
        raise FunctionError("cannot sum an empty list")
    if not isinstance(collection.type, (ListType, SetType, TupleType)):
        raise FunctionError(f"argument must be list, set, or tuple. Received {collection.type.friendly()}")
    items = collection.elements()
    if not collection.is_wholly_known:
        return unknown_from([collection, *items], NUMBER)
    total = None
    for index, item in enumerate(items):
        if item.is_null:
            raise FunctionError(f"argument must be list, set, or tuple of number values: element {index} is null")
        try:
            number = convert(item, NUMBER)
        except ConversionError:
            raise FunctionError(f"invalid argument: element {index} is not a number") from None
        total = number.raw if total is None else add(total, number.raw)
    return Value(NUMBER, total)


__all__ = ["MapType", "ObjectType", "add", "divide", "modulo", "multiply", "negate", "subtract"]
