"""Terraform's string functions (go-cty's stdlib and Terraform's lang/funcs), with Go's semantics: case mapping
rune by rune with Unicode's simple mappings (`upper("ß")` is "ß"), strings.Title's word rule, strings.TrimSpace's
white space, and Unicode grapheme clusters (as go-textseg v15 segments them) for substr and strrev.

Every string result is NFC-normalized, as cty.StringVal normalizes it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from mlmarket.terraform.functions import CallContext, FunctionError, Param, function
from mlmarket.terraform.values import BOOL, NUMBER, STRING, ListType, Value, list_of, unknown, unknown_from

# --- shared helpers ---------------------------------------------------------------------------------------------


def text(value: str) -> Value:
    """A string Value as cty.StringVal makes it: NFC-normalized."""
    return Value(STRING, unicodedata.normalize("NFC", value))


def go_int(value: Value, what: str = "number") -> int:
    """gocty.FromCtyValue(number, &int): a whole number that fits Go's int (64 bits)."""
    raw = value.raw
    if not isinstance(raw, int) or not -(2**63) <= raw < 2**63:
        raise FunctionError(f"invalid {what}: value must be a whole number, between {-(2**63)} and {2**63 - 1}")
    return raw


# --- grapheme clusters (UAX #29 extended grapheme clusters, Unicode 15.0 without GB9c) ---------------------------

_CR, _LF, _CONTROL, _EXTEND, _ZWJ, _RI, _PREPEND, _SPACING, _L, _V, _T, _LV, _LVT, _OTHER = range(14)

_EXTEND_EXTRA = frozenset(
    [0x200C, 0xFF9E, 0xFF9F, 0x09BE, 0x09D7, 0x0B3E, 0x0B57, 0x0BBE, 0x0BD7, 0x0CC2, 0x0CD5, 0x0CD6, 0x0D3E,
     0x0D57, 0x0DCF, 0x0DDF, 0x1B35, 0x302E, 0x302F, 0x1D165, 0x1D16E, 0x1D16F, 0x1D170, 0x1D171, 0x1D172]
)
_PREPEND_CHARS = frozenset(
    [*range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x0D4E, 0x110BD, 0x110CD, 0x111C2, 0x111C3,
     0x1193F, 0x11941, 0x11A3A, *range(0x11A84, 0x11A8A), 0x11D46]
)
# Mc characters that are not SpacingMark (Grapheme_Cluster_Break=Other or Extend).
_NOT_SPACING = frozenset([0x102B, 0x102C, 0x1038, 0x1062, 0x1063, 0x1064, 0x1067, 0x1068, 0x1069, 0x106A,
                          0x106B, 0x106C, 0x106D, 0x1083, 0x1087, 0x1088, 0x1089, 0x108A, 0x108B, 0x108C,
                          0x108F, 0x109A, 0x109B, 0x109C, 0x1A61, 0x1A63, 0x1A64, 0xAA7B, 0xAA7D, 0x11720,
                          0x11721])
_PICTOGRAPHIC_RANGES = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122), (0x2139, 0x2139),
    (0x2194, 0x2199), (0x21A9, 0x21AA), (0x231A, 0x231B), (0x2328, 0x2328), (0x2388, 0x2388), (0x23CF, 0x23CF),
    (0x23E9, 0x23F3), (0x23F8, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB), (0x25B6, 0x25B6), (0x25C0, 0x25C0),
    (0x25FB, 0x25FE), (0x2600, 0x2605), (0x2607, 0x2612), (0x2614, 0x2685), (0x2690, 0x2705), (0x2708, 0x2712),
    (0x2714, 0x2714), (0x2716, 0x2716), (0x271D, 0x271D), (0x2721, 0x2721), (0x2728, 0x2728), (0x2733, 0x2734),
    (0x2744, 0x2744), (0x2747, 0x2747), (0x274C, 0x274C), (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757),
    (0x2763, 0x2767), (0x2795, 0x2797), (0x27A1, 0x27A1), (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2934, 0x2935),
    (0x2B05, 0x2B07), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D),
    (0x3297, 0x3297), (0x3299, 0x3299), (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F), (0x1F12F, 0x1F12F),
    (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F), (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F1AD, 0x1F1E5),
    (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A), (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F),
    (0x1F249, 0x1F3FA), (0x1F400, 0x1F53D), (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F),
    (0x1F7D5, 0x1F7FF), (0x1F80C, 0x1F80F), (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F), (0x1F888, 0x1F88F),
    (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945), (0x1F947, 0x1FAFF), (0x1FC00, 0x1FFFD),
)


def _pictographic(cp: int) -> bool:
    if cp < 0xA9:
        return False
    return any(low <= cp <= high for low, high in _PICTOGRAPHIC_RANGES)


def _break_class(char: str) -> int:
    cp = ord(char)
    if cp == 0x0D:
        return _CR
    if cp == 0x0A:
        return _LF
    if cp == 0x200D:
        return _ZWJ
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return _RI
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return _L
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return _V
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return _T
    if 0xAC00 <= cp <= 0xD7A3:
        return _LV if (cp - 0xAC00) % 28 == 0 else _LVT
    if cp in _PREPEND_CHARS:
        return _PREPEND
    if cp in _EXTEND_EXTRA or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F:
        return _EXTEND
    category = unicodedata.category(char)
    if category in ("Mn", "Me"):
        return _EXTEND
    if category == "Mc":
        return _OTHER if cp in _NOT_SPACING else _SPACING
    if category in ("Cc", "Zl", "Zp", "Cs") or (category == "Cf" and not 0xE0020 <= cp <= 0xE007F):
        return _CONTROL
    if cp in (0x0E33, 0x0EB3):  # Thai and Lao AM are SpacingMark
        return _SPACING
    return _OTHER


def grapheme_clusters(value: str) -> list[str]:
    """`value` split into extended grapheme clusters, as go-textseg's ScanGraphemeClusters splits it."""
    clusters: list[str] = []
    if not value:
        return clusters
    start = 0
    previous = _break_class(value[0])
    emoji_state = _pictographic(ord(value[0]))  # inside ExtPict Extend* (for GB11)
    emoji_zwj = False  # just saw ExtPict Extend* ZWJ
    ri_count = 1 if previous == _RI else 0
    for index in range(1, len(value)):
        char = value[index]
        current = _break_class(char)
        join = _joins(previous, current, emoji_zwj and _pictographic(ord(char)), ri_count)
        if not join:
            clusters.append(value[start:index])
            start = index
        # GB11 state
        if _pictographic(ord(char)):
            emoji_state, emoji_zwj = True, False
        elif current == _EXTEND and emoji_state:
            emoji_zwj = False
        elif current == _ZWJ and emoji_state:
            emoji_state, emoji_zwj = False, True
        else:
            emoji_state, emoji_zwj = False, False
        ri_count = ri_count + 1 if current == _RI and join else (1 if current == _RI else 0)
        previous = current
    clusters.append(value[start:])
    return clusters


def _joins(previous: int, current: int, emoji_sequence: bool, ri_count: int) -> bool:
    if previous == _CR and current == _LF:
        return True  # GB3
    if previous in (_CONTROL, _CR, _LF) or current in (_CONTROL, _CR, _LF):
        return False  # GB4, GB5
    if previous == _L and current in (_L, _V, _LV, _LVT):
        return True  # GB6
    if previous in (_LV, _V) and current in (_V, _T):
        return True  # GB7
    if previous in (_LVT, _T) and current == _T:
        return True  # GB8
    if current in (_EXTEND, _ZWJ, _SPACING):
        return True  # GB9, GB9a
    if previous == _PREPEND:
        return True  # GB9b
    if emoji_sequence and previous == _ZWJ:
        return True  # GB11
    return previous == _RI and current == _RI and ri_count % 2 == 1  # GB12, GB13


def grapheme_count(value: str) -> int:
    """The length of a string as Terraform's length() counts it: grapheme clusters."""
    return len(grapheme_clusters(value))


# --- Go's unicode case mapping and white space ----------------------------------------------------------------


def _simple(char: str, mapped: str, fallback: str) -> str:
    if len(mapped) == 1:
        return mapped
    if len(fallback) == 1:
        return fallback
    return char


def go_upper(value: str) -> str:
    """strings.ToUpper: unicode.ToUpper rune by rune (simple mappings: "ß" stays "ß")."""
    if value.isascii():
        return value.upper()
    return "".join(_simple(c, c.upper(), c.title()) for c in value)


_LOWER_SPECIAL = {"\u0130": "i"}


def go_lower(value: str) -> str:
    """strings.ToLower: unicode.ToLower rune by rune (no final-sigma rule, "İ" becomes "i")."""
    if value.isascii():
        return value.lower()
    return "".join(_LOWER_SPECIAL.get(c) or _simple(c, c.lower(), c) for c in value)


_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)


def go_is_space(char: str) -> bool:
    return char in _GO_SPACE


def _title_separator(char: str) -> bool:
    if ord(char) <= 0x7F:
        return not (char.isalnum() or char == "_")
    category = unicodedata.category(char)
    if category.startswith("L") or category == "Nd":
        return False
    return go_is_space(char)


def go_title(value: str) -> str:
    """strings.Title: unicode.ToTitle on every letter that follows a separator."""
    out = []
    previous = " "
    for char in value:
        if _title_separator(previous):
            out.append(_simple(char, char.title(), char.upper()) if not char.isascii() else char.upper())
        else:
            out.append(char)
        previous = char
    return "".join(out)


# --- the functions --------------------------------------------------------------------------------------------

S = Param("str", STRING)


@function("upper", [S], returns=STRING)
def _upper(context: CallContext, args: Sequence[Value]) -> Value:
    return text(go_upper(args[0].raw))


@function("lower", [S], returns=STRING)
def _lower(context: CallContext, args: Sequence[Value]) -> Value:
    return text(go_lower(args[0].raw))


@function("title", [S], returns=STRING)
def _title(context: CallContext, args: Sequence[Value]) -> Value:
    return text(go_title(args[0].raw))


@function("strrev", [S], returns=STRING)
def _strrev(context: CallContext, args: Sequence[Value]) -> Value:
    return text("".join(reversed(grapheme_clusters(args[0].raw))))


@function("chomp", [S], returns=STRING)
def _chomp(context: CallContext, args: Sequence[Value]) -> Value:
    value = args[0].raw
    while value.endswith(("\n", "\r")):
        value = value[:-1]
    return text(value)


@function("trimspace", [S], returns=STRING)
def _trimspace(context: CallContext, args: Sequence[Value]) -> Value:
    value = args[0].raw
    start, end = 0, len(value)
    while start < end and go_is_space(value[start]):
        start += 1
    while end > start and go_is_space(value[end - 1]):
        end -= 1
    return text(value[start:end])


@function("trim", [S, Param("cutset", STRING)], returns=STRING)
def _trim(context: CallContext, args: Sequence[Value]) -> Value:
    cutset = args[1].raw
    return text(args[0].raw.strip(cutset) if cutset else args[0].raw)


@function("trimprefix", [S, Param("prefix", STRING)], returns=STRING)
def _trimprefix(context: CallContext, args: Sequence[Value]) -> Value:
    return text(args[0].raw.removeprefix(args[1].raw))


@function("trimsuffix", [S, Param("suffix", STRING)], returns=STRING)
def _trimsuffix(context: CallContext, args: Sequence[Value]) -> Value:
    return text(args[0].raw.removesuffix(args[1].raw))


@function("startswith", [Param("str", STRING, allow_unknown=True), Param("prefix", STRING)], returns=BOOL)
def _startswith(context: CallContext, args: Sequence[Value]) -> Value:
    value, prefix = args
    if not value.is_known:
        # Terraform: the empty string is a prefix of every string, even an unknown one.
        return Value(BOOL, True) if prefix.raw == "" else unknown_from([value], BOOL)
    return Value(BOOL, value.raw.startswith(prefix.raw))


@function("endswith", [S, Param("suffix", STRING)], returns=BOOL)
def _endswith(context: CallContext, args: Sequence[Value]) -> Value:
    return Value(BOOL, args[0].raw.endswith(args[1].raw))


@function("strcontains", [S, Param("substr", STRING)], returns=BOOL)
def _strcontains(context: CallContext, args: Sequence[Value]) -> Value:
    return Value(BOOL, args[1].raw in args[0].raw)


@function("split", [Param("separator", STRING), S], returns=ListType(STRING))
def _split(context: CallContext, args: Sequence[Value]) -> Value:
    separator, value = args[0].raw, args[1].raw
    parts = list(value) if separator == "" else value.split(separator)
    return list_of(STRING, [text(part) for part in parts])


@function("join", [Param("separator", STRING)], variadic=Param("lists", ListType(STRING)), returns=STRING)
def _join(context: CallContext, args: Sequence[Value]) -> Value:
    separator, lists = args[0].raw, args[1:]
    if not lists:
        raise FunctionError("at least one list is required")
    if not all(item.is_wholly_known for item in lists):
        return unknown_from(list(lists), STRING)
    items = []
    for list_index, listed in enumerate(lists):
        for element_index, element in enumerate(listed.elements()):
            if element.is_null:
                where = f" of list {list_index + 1}" if len(lists) > 1 else ""
                raise FunctionError(f"element {element_index}{where} is null; cannot concatenate null values")
            items.append(element.raw)
    return text(separator.join(items))


@function("indent", [Param("spaces", NUMBER), S], returns=STRING)
def _indent(context: CallContext, args: Sequence[Value]) -> Value:
    spaces = go_int(args[0], "spaces")
    if spaces < 0:
        raise FunctionError("strings: negative Repeat count")
    return text(args[1].raw.replace("\n", "\n" + " " * spaces))


@function("substr", [S, Param("offset", NUMBER), Param("length", NUMBER)], returns=STRING)
def _substr(context: CallContext, args: Sequence[Value]) -> Value:
    clusters = grapheme_clusters(args[0].raw)
    offset = go_int(args[1], "offset")
    length = go_int(args[2], "length")
    if offset < 0:
        offset += len(clusters)
    elif length == 0:
        return text("")
    if offset > 0:
        if offset > len(clusters):
            return text("")
        clusters = clusters[offset:]
    if length < 0:
        return text("".join(clusters))
    if length == 0:
        # cty seeks until it has counted `length` clusters, which never happens for 0: the rest of the string.
        return text("".join(clusters))
    return text("".join(clusters[:length]))


@function("replace", [S, Param("substr", STRING), Param("replace", STRING)], returns=STRING)
def _replace(context: CallContext, args: Sequence[Value]) -> Value:
    value, old, new = args[0].raw, args[1].raw, args[2].raw
    if len(old) > 1 and old[0] == "/" and old[-1] == "/":
        from mlmarket.terraform.functions.regex import compile_go, replace_all

        compiled = compile_go(old[1:-1])
        if isinstance(compiled, str):
            return unknown(STRING, compiled)
        return text(replace_all(compiled, value, new))
    if old == "":
        # strings.Replace with an empty old string inserts `new` before every rune and at the end.
        return text(new + "".join(char + new for char in value))
    return text(value.replace(old, new))
