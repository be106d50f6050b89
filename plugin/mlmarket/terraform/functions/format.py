"""format and formatlist: go-cty's printf-like verbs (format_fsm.rl), with Go's fmt of *big.Float and *big.Int
for the numeric verbs, grapheme-cluster widths for strings, and cty's JSON for %#v and collections."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from mlmarket.terraform.functions import CallContext, FunctionError, Param, function
from mlmarket.terraform.functions.encoding import json_marshal, json_string
from mlmarket.terraform.functions.strings import grapheme_clusters, grapheme_count, text
from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    ConversionError,
    ListType,
    SetType,
    TupleType,
    Value,
    convert,
    list_of,
    number_to_string,
    unknown,
    unknown_from,
)

# --- Go's big.Float text (math/big/ftoa.go) -------------------------------------------------------------------


def _decimal(value: int | Fraction) -> tuple[str, int]:
    """The exact decimal of a number: (digits without leading or trailing zeros, exp), value = 0.digits * 10**exp."""
    magnitude = abs(Fraction(value))
    if magnitude == 0:
        return "", 0
    k = magnitude.denominator.bit_length() - 1  # the denominator is a power of two
    digits = str(magnitude.numerator * 5**k)
    exp = len(digits) - k
    return digits.rstrip("0"), exp


def _shortest(value: int | Fraction) -> tuple[str, int]:
    """The fewest digits that read back to the same 512-bit number (Go's roundShortest at cty's precision)."""
    if value == 0:
        return "", 0
    plain = number_to_string(value).lstrip("-")
    whole, _, fraction = plain.partition(".")
    digits = (whole + fraction).lstrip("0")
    exp = len(whole) if whole != "0" else -(len(fraction) - len(fraction.lstrip("0")))
    return digits.rstrip("0"), exp


def _round(digits: str, exp: int, n: int) -> tuple[str, int]:
    if n < 0 or n >= len(digits):
        return digits, exp
    half = digits[n] == "5" and n + 1 == len(digits)
    up = (n > 0 and int(digits[n - 1]) % 2 == 1) if half else digits[n] >= "5"
    if not up:
        kept = digits[:n].rstrip("0")
        return kept, exp if kept else 0
    i = n
    while i > 0 and digits[i - 1] == "9":
        i -= 1
    if i == 0:
        return "1", exp + 1
    return digits[: i - 1] + chr(ord(digits[i - 1]) + 1), exp


def _at(digits: str, i: int) -> str:
    return digits[i] if 0 <= i < len(digits) else "0"


def _fmt_e(digits: str, exp: int, prec: int, letter: str) -> str:
    out = digits[0] if digits else "0"
    if prec > 0:
        out += "." + digits[1 : prec + 1] + "0" * max(0, prec + 1 - max(len(digits), 1))
    e = exp - 1 if digits else 0
    sign = "-" if e < 0 else "+"
    return f"{out}{letter}{sign}{abs(e):02d}"


def _fmt_f(digits: str, exp: int, prec: int) -> str:
    out = digits[:exp] + "0" * max(0, exp - len(digits)) if exp > 0 else "0"
    if prec > 0:
        out += "." + "".join(_at(digits, exp + i) for i in range(prec))
    return out


def big_float_text(value: int | Fraction, verb: str, prec: int) -> str:
    """big.Float.Text(verb, prec) for verb in e E f g G; prec -1 is the shortest form."""
    negative = value < 0
    lower = verb.lower()
    shortest = prec < 0
    if shortest:
        digits, exp = _shortest(value)
        prec = {"e": len(digits) - 1, "f": max(len(digits) - exp, 0), "g": len(digits)}[lower]
    else:
        digits, exp = _decimal(value)
        if lower == "e":
            digits, exp = _round(digits, exp, 1 + prec)
        elif lower == "f":
            digits, exp = _round(digits, exp, exp + prec)
        else:
            if prec == 0:
                prec = 1
            digits, exp = _round(digits, exp, prec)
    if lower == "e":
        out = _fmt_e(digits, exp, prec, verb)
    elif lower == "f":
        out = _fmt_f(digits, exp, prec)
    else:
        eprec = prec
        if eprec > len(digits) and len(digits) >= exp:
            eprec = len(digits)
        if shortest:
            eprec = 6
        e = exp - 1
        if e < -4 or e >= eprec:
            if prec > len(digits):
                prec = len(digits)
            out = _fmt_e(digits, exp, prec - 1, "e" if verb == "g" else "E")
        else:
            if prec > exp:
                prec = len(digits)
            out = _fmt_f(digits, exp, max(prec - exp, 0))
    return ("-" if negative else "") + out


# --- verbs ----------------------------------------------------------------------------------------------------


class _Verb:
    __slots__ = ("arg", "has_prec", "has_width", "minus", "mode", "plus", "prec", "raw", "sharp", "space",
                 "width", "zero")

    def __init__(self, arg: int) -> None:
        self.arg = arg
        self.zero = self.sharp = self.plus = self.minus = self.space = False
        self.has_width = self.has_prec = False
        self.width = self.prec = -1
        self.mode = ""
        self.raw = ""


def _pad(verb: _Verb, value: str) -> str:
    if verb.width < 0:
        return value
    length = grapheme_count(value)
    if length >= verb.width:
        return value
    pads = ("0" if verb.zero else " ") * (verb.width - length)
    return value + pads if verb.minus else pads + value


def _go_zero(verb: _Verb) -> bool:
    return verb.zero and not verb.minus  # Go's fmt: '-' turns '0' off


def _format_float(verb: _Verb, value: int | Fraction) -> str:
    prec = verb.prec if verb.has_prec else (6 if verb.mode in "eEf" else -1)
    body = big_float_text(value, verb.mode, prec)
    sign = ""
    if body.startswith("-"):
        sign, body = "-", body[1:]
    elif verb.plus:
        sign = "+"
    elif verb.space:
        sign = " "
    padding = max(0, verb.width - len(sign) - len(body)) if verb.has_width else 0
    if _go_zero(verb):
        return sign + "0" * padding + body
    if verb.minus:
        return sign + body + " " * padding
    return " " * padding + sign + body


def _format_integer(verb: _Verb, value: int) -> str:
    base = {"b": 2, "o": 8, "d": 10, "x": 16, "X": 16}[verb.mode]
    magnitude = abs(value)
    digits = {2: format(magnitude, "b"), 8: format(magnitude, "o"), 10: str(magnitude),
              16: format(magnitude, "x")}[base]
    if verb.mode == "X":
        digits = digits.upper()
    sign = "-" if value < 0 else ("+" if verb.plus else (" " if verb.space else ""))
    prefix = ""
    if verb.sharp:
        prefix = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}.get(verb.mode, "")
    zeros = left = right = 0
    if verb.has_prec:
        if len(digits) < verb.prec:
            zeros = verb.prec - len(digits)
        elif digits == "0" and verb.prec == 0:
            return ""
    length = len(sign) + len(prefix) + zeros + len(digits)
    if verb.has_width and length < verb.width:
        d = verb.width - length
        if verb.minus:
            right = d
        elif _go_zero(verb) and not verb.has_prec:
            zeros = d
        else:
            left = d
    return " " * left + sign + prefix + "0" * zeros + digits + " " * right


def _convert(arg: Value, target: object, verb: _Verb) -> Value:
    try:
        return convert(arg, target)  # type: ignore[arg-type]
    except ConversionError as error:
        raise FunctionError(f"unsupported value for {verb.raw!r}: {error}") from None


def _append(verb: _Verb, args: Sequence[Value]) -> str:
    if verb.arg - 1 >= len(args):
        raise FunctionError(f"not enough arguments for {verb.raw!r}: need index {verb.arg} but have {len(args)} total")
    arg = args[verb.arg - 1]
    if verb.mode != "v" and arg.is_null:
        raise FunctionError(f"unsupported value for {verb.raw!r}: null value cannot be formatted")
    mode = verb.mode
    if mode == "v":
        if not verb.sharp and not arg.is_null and arg.type == STRING:
            return _pad(verb, arg.raw)
        if not verb.sharp and not arg.is_null and arg.type == NUMBER:
            return _pad(verb, big_float_text(arg.raw, "g", -1))
        return _pad(verb, json_marshal(arg))
    if mode == "t":
        return "true" if _convert(arg, BOOL, verb).raw else "false"
    if mode in "bdoxXeEfgG":
        number = _convert(arg, NUMBER, verb).raw
        if mode in "bdoxX":
            if not isinstance(number, int):
                raise FunctionError(f"unsupported value for {verb.raw!r}: an integer is required")
            return _format_integer(verb, number)
        return _format_float(verb, number)
    if mode in "sq":
        value = _convert(arg, STRING, verb).raw
        if verb.prec > 0:
            value = "".join(grapheme_clusters(value)[: verb.prec])
        return _pad(verb, value if mode == "s" else json_string(value))
    raise FunctionError(f"unsupported format verb {mode!r} in {verb.raw!r}")


def format_string(spec: str, args: Sequence[Value]) -> str:
    """formatFSM: the formatted string, or FunctionError."""
    out = []
    next_arg = 1
    highest = 0
    i, n = 0, len(spec)
    while i < n:
        c = spec[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        if spec.startswith("%%", i):
            out.append("%")
            i += 2
            continue
        start = i
        verb = _Verb(next_arg)
        i += 1
        while i < n and spec[i] in "0#-+ ":
            setattr(verb, {"0": "zero", "#": "sharp", "-": "minus", "+": "plus", " ": "space"}[spec[i]], True)
            i += 1
        if i < n and spec[i] in "123456789":
            j = i
            while j < n and spec[j].isascii() and spec[j].isdigit():
                j += 1
            verb.width, verb.has_width = int(spec[i:j]), True
            i = j
        if i < n and spec[i] == ".":
            j = i + 1
            while j < n and spec[j].isascii() and spec[j].isdigit():
                j += 1
            verb.prec, verb.has_prec = int(spec[i + 1 : j] or "0"), True
            i = j
        if i < n and spec[i] == "[":
            j = i + 1
            if j < n and spec[j] in "123456789":
                while j < n and spec[j].isascii() and spec[j].isdigit():
                    j += 1
            if j == i + 1 or j >= n or spec[j] != "]":
                raise FunctionError(f"unrecognized format character at offset {j}")
            verb.arg = int(spec[i + 1 : j])
            i = j + 1
        if i >= n:
            raise FunctionError(f"invalid format string starting at offset {i}")
        if not (spec[i].isascii() and spec[i].isalpha()):
            raise FunctionError(f"unrecognized format character {spec[i]!r} at offset {i}")
        verb.mode = spec[i]
        i += 1
        verb.raw = spec[start:i]
        highest = max(highest, verb.arg)
        out.append(_append(verb, args))
        next_arg = verb.arg + 1
    if highest < len(args):
        if highest == 0:
            raise FunctionError("too many arguments; no verbs in format string", 1)
        raise FunctionError(f"too many arguments; only {highest} used by format string", highest + 1)
    return "".join(out)


_ARGS = Param("args", DYNAMIC, allow_null=True, allow_unknown=True)


@function("format", [Param("format", STRING)], variadic=_ARGS, returns=STRING)
def _format(context: CallContext, args: Sequence[Value]) -> Value:
    rest = args[1:]
    if any(arg.type == DYNAMIC and (arg.is_null or not arg.is_known) for arg in rest):
        # Terraform: an argument of no type (a bare null) leaves even the result's type unknown.
        return unknown_from(list(rest), DYNAMIC)
    if not all(arg.is_wholly_known for arg in rest):
        return unknown_from(list(rest), STRING)
    return text(format_string(args[0].raw, rest))


@function("formatlist", [Param("format", STRING)], variadic=_ARGS, returns=ListType(STRING))
def _formatlist(context: CallContext, args: Sequence[Value]) -> Value:
    spec, rest = args[0].raw, list(args[1:])
    if any(arg.type == DYNAMIC and (arg.is_null or not arg.is_known) for arg in rest):
        return unknown_from(rest, DYNAMIC)
    if not rest:
        return list_of(STRING, [text(format_string(spec, []))])
    length = -1
    chooser = -1
    iterables: dict[int, tuple[Value, ...]] = {}
    unknowns = []
    for index, arg in enumerate(rest):
        arg_type = arg.type
        if isinstance(arg_type, (ListType, SetType, TupleType)) and not arg.is_null:
            if not isinstance(arg_type, TupleType) and not (arg.is_known and _length_known(arg)):
                unknowns.append(arg)
                continue
            this_length = len(arg_type.elements) if not arg.is_known else len(arg.elements())
            if length == -1:
                length, chooser = this_length, index
            elif this_length != length:
                raise FunctionError(
                    f"argument {index + 1} has length {this_length}, which is inconsistent with argument "
                    f"{chooser + 1} of length {length}",
                    index + 1,
                )
            if not arg.is_known:
                unknowns.append(arg)
                continue
            iterables[index] = arg.elements()
        elif arg_type == DYNAMIC and not arg.is_known:
            unknowns.append(arg)
    if unknowns:
        return unknown_from(unknowns, ListType(STRING))
    if length == 0:
        return list_of(STRING, [])
    results = []
    for iteration in range(max(length, 1)):
        call_args = [iterables[i][iteration] if i in iterables else arg for i, arg in enumerate(rest)]
        if not all(arg.is_wholly_known for arg in call_args):
            results.append(unknown_from([a for a in call_args if not a.is_wholly_known], STRING))
            continue
        try:
            results.append(text(format_string(spec, call_args)))
        except FunctionError as error:
            raise FunctionError(f"error on format iteration {iteration}: {error}") from None
    return list_of(STRING, results)


def _length_known(value: Value) -> bool:
    if isinstance(value.type, SetType):
        return all(item.is_known for item in value.elements())
    return True


__all__ = ["big_float_text", "format_string", "unknown"]
