"""regex and regexall, with Go's RE2 syntax (regexp.Compile) translated to Python's `re`.

The translation is a whitelist: it parses RE2 syntax and emits an equivalent Python pattern, so Python-only
syntax (backreferences, look-around, possessive repeats) is refused as Go refuses it. What RE2 has and `re` has
not (Unicode classes `\\pL`, `\\C`) is not guessed: the result is unknown, with the reason.
Go's ASCII-only `\\d \\w \\s \\b`, its `$` (end of text unless (?m)), flags in the middle of a group, the
ungreedy flag U, `{` that is not a repeat (a literal) and capture names are all handled here.
Matching follows Go: leftmost-first, and an empty match right after a previous match is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from mlmarket.terraform.functions import CallContext, FunctionError, Param, function
from mlmarket.terraform.values import (
    DYNAMIC,
    STRING,
    ConversionError,
    ListType,
    ObjectType,
    TupleType,
    Type,
    Value,
    convert,
    list_of,
    object_of,
    tuple_of,
    unknown,
)

MAX_CODEPOINT = 0x10FFFF
_ASCII_CLASSES = {
    "d": [(0x30, 0x39)],
    "w": [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
    "s": [(0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)],
}
_POSIX = {
    "alnum": [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
    "alpha": [(0x41, 0x5A), (0x61, 0x7A)],
    "ascii": [(0x00, 0x7F)],
    "blank": [(0x09, 0x09), (0x20, 0x20)],
    "cntrl": [(0x00, 0x1F), (0x7F, 0x7F)],
    "digit": [(0x30, 0x39)],
    "graph": [(0x21, 0x7E)],
    "lower": [(0x61, 0x7A)],
    "print": [(0x20, 0x7E)],
    "punct": [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
    "space": [(0x09, 0x0D), (0x20, 0x20)],
    "upper": [(0x41, 0x5A)],
    "word": [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)],
    "xdigit": [(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
}
_WORD = "[0-9A-Za-z_]"
_WORD_BOUNDARY = f"(?:(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD}))"
_NOT_WORD_BOUNDARY = f"(?:(?<={_WORD})(?={_WORD})|(?<!{_WORD})(?!{_WORD}))"
_MAX_REPEAT = 1000


_CATEGORIES = {"C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd",
               "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl",
               "Zp", "Zs"}
_CATEGORY_CACHE: dict[str, list[tuple[int, int]]] = {}


def _category_ranges(name: str) -> list[tuple[int, int]]:
    """The code points of a general category (one letter: all its subcategories; C without unassigned)."""
    cached = _CATEGORY_CACHE.get(name)
    if cached is not None:
        return cached
    ranges: list[tuple[int, int]] = []
    for cp in range(MAX_CODEPOINT + 1):
        category = unicodedata.category(chr(cp))
        if category == "Cn":
            continue
        if category == name or (len(name) == 1 and category[0] == name):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    _CATEGORY_CACHE[name] = ranges
    return ranges


class Unsupported(Exception):
    """RE2 syntax that Python's re cannot express: the caller answers unknown."""


@dataclass(frozen=True)
class GoRegexp:
    pattern: re.Pattern[str]
    names: tuple[str, ...]  # SubexpNames()[1:]: "" for an unnamed group


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    low = 0
    for start, end in sorted(ranges):
        if start > low:
            out.append((low, start - 1))
        low = max(low, end + 1)
    if low <= MAX_CODEPOINT:
        out.append((low, MAX_CODEPOINT))
    return out


def _class_text(ranges: list[tuple[int, int]], negate: bool = False) -> str:
    if not ranges:
        return "[^\\x00-\\U0010ffff]" if not negate else "[\\x00-\\U0010ffff]"
    body = "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in sorted(ranges))
    return f"[{'^' if negate else ''}{body}]"


def _char(cp: int) -> str:
    if cp < 0x80 and (chr(cp).isalnum() or chr(cp) == "_"):
        return chr(cp)
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    if cp <= 0xFFFF:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"


class _Translator:
    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0
        self.names: list[str] = []
        self.out: list[str] = []

    def error(self, message: str) -> FunctionError:
        return FunctionError(f"invalid regexp pattern: {message}")

    # flags: i (fold case), m (multi-line), s (dot matches \n), U (ungreedy)
    def translate(self) -> str:
        self.out.append(self.sequence({"i": False, "m": False, "s": False, "U": False}, top=True))
        return "".join(self.out)

    def sequence(self, flags: dict[str, bool], top: bool) -> str:
        """Alternatives up to the closing parenthesis of the current group (consumed by the caller)."""
        flags = dict(flags)
        parts: list[str] = []
        can_repeat = False
        last_repeated = False
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == ")":
                if top:
                    raise self.error("unexpected ): " + self.s)
                return "".join(parts)
            if c == "|":
                self.i += 1
                parts.append("|")
                can_repeat = last_repeated = False
                continue
            if c in "*+?" or (c == "{" and self._repeat_at(self.i) is not None):
                if not can_repeat:
                    raise self.error("missing argument to repetition operator")
                if last_repeated:
                    raise self.error("invalid nested repetition operator")
                parts.append(self.quantifier(flags))
                last_repeated = True
                continue
            atom = self.atom(flags)
            if atom is None:  # a flag group: no atom
                continue
            parts.append(atom)
            can_repeat = atom != ""
            last_repeated = False
        if not top:
            raise self.error("missing closing ): " + self.s)
        return "".join(parts)

    def _repeat_at(self, index: int) -> tuple[int, int | None, int] | None:
        match = re.match(r"\{(\d+)(,(\d*))?\}", self.s[index:])
        if not match:
            return None
        low = int(match.group(1))
        high: int | None = low
        if match.group(2):
            high = int(match.group(3)) if match.group(3) else None
        return low, high, match.end()

    def quantifier(self, flags: dict[str, bool]) -> str:
        c = self.s[self.i]
        if c == "{":
            repeat = self._repeat_at(self.i)
            assert repeat is not None
            low, high, length = repeat
            if low > _MAX_REPEAT or (high is not None and (high > _MAX_REPEAT or high < low)):
                raise self.error("invalid repeat count")
            self.i += length
            text = f"{{{low}}}" if high == low else f"{{{low},{'' if high is None else high}}}"
        else:
            self.i += 1
            text = c
        lazy = self.i < len(self.s) and self.s[self.i] == "?"
        if lazy:
            self.i += 1
        if flags["U"]:
            lazy = not lazy
        return text + ("?" if lazy else "")

    def atom(self, flags: dict[str, bool]) -> str | None:
        c = self.s[self.i]
        if c == "(":
            return self.group(flags)
        if c == "[":
            return self.fold(self.char_class(), flags)
        if c == ".":
            self.i += 1
            return "(?s:.)" if flags["s"] else "[^\\n]"
        if c == "^":
            self.i += 1
            return "(?m:^)" if flags["m"] else "\\A"
        if c == "$":
            self.i += 1
            return "(?m:$)" if flags["m"] else "(?!(?s:.))"
        if c == "\\":
            return self.escape(flags)
        self.i += 1
        return self.fold(re.escape(c), flags)

    @staticmethod
    def fold(text: str, flags: dict[str, bool]) -> str:
        return f"(?i:{text})" if flags["i"] else text

    def group(self, flags: dict[str, bool]) -> str | None:
        s = self.s
        self.i += 1
        name = None
        if s.startswith("?P<", self.i) or s.startswith("?<", self.i):
            start = self.i + (3 if s.startswith("?P<", self.i) else 2)
            end = s.find(">", start)
            if end < 0:
                raise self.error("invalid named capture")
            name = s[start:end]
            if not name or not re.fullmatch(r"[A-Za-z0-9_]+", name):
                raise self.error(f"invalid named capture: {name}")
            self.i = end + 1
        elif s.startswith("?", self.i):
            match = re.match(r"\?([imsU]*)(?:-([imsU]*))?([:)])", s[self.i :])
            if not match or (match.group(2) is not None and not match.group(2)):
                raise self.error("invalid or unsupported Perl syntax")
            new_flags = dict(flags)
            for flag in match.group(1):
                new_flags[flag] = True
            for flag in match.group(2) or "":
                new_flags[flag] = False
            self.i += match.end()
            if match.group(3) == ")":
                flags.update(new_flags)  # applies to the rest of the current group
                return None
            inner = self.sequence(new_flags, top=False)
            self.i += 1
            return f"(?:{inner})"
        if name is not None:
            self.names.append(name)
        else:
            self.names.append("")
        inner = self.sequence(flags, top=False)
        self.i += 1
        return f"({inner})"

    def escape(self, flags: dict[str, bool]) -> str:
        s = self.s
        if self.i + 1 >= len(s):
            raise self.error("trailing backslash at end of expression")
        c = s[self.i + 1]
        if c in "AzbB":
            self.i += 2
            return {"A": "\\A", "z": "(?!(?s:.))", "b": _WORD_BOUNDARY, "B": _NOT_WORD_BOUNDARY}[c]
        if c == "Q":
            end = s.find("\\E", self.i + 2)
            literal = s[self.i + 2 :] if end < 0 else s[self.i + 2 : end]
            self.i = len(s) if end < 0 else end + 2
            return "".join(self.fold(re.escape(ch), flags) for ch in literal)
        if c in "dDwWsS":
            self.i += 2
            return self.fold(_class_text(_ASCII_CLASSES[c.lower()], negate=c.isupper()), flags)
        if c in "pP":
            ranges = self.unicode_class()
            return self.fold(_class_text(ranges), flags)
        return self.fold(_char(self.char_escape()), flags)

    def unicode_class(self) -> list[tuple[int, int]]:
        """\\pL, \\p{Lu}, \\PN, \\p{^L}: Unicode general categories (scripts are not evaluated)."""
        s = self.s
        negate = s[self.i + 1] == "P"
        self.i += 2
        if self.i >= len(s):
            raise self.error("invalid character class range")
        if s[self.i] == "{":
            end = s.find("}", self.i)
            if end < 0:
                raise self.error("invalid character class range")
            name = s[self.i + 1 : end]
            self.i = end + 1
        else:
            name = s[self.i]
            self.i += 1
        if name.startswith("^"):
            negate, name = not negate, name[1:]
        if name == "Any":
            ranges = [(0, MAX_CODEPOINT)]
        elif name in _CATEGORIES:
            ranges = _category_ranges(name)
        elif re.fullmatch(r"[A-Z][a-z_A-Z]*", name):
            raise Unsupported(f"the Unicode class \\p{{{name}}} is not evaluated by mlmarket")
        else:
            raise self.error("invalid character class range")
        return _complement(ranges) if negate else ranges

    def char_escape(self) -> int:
        """An escape that stands for one character (self.i at the backslash); returns its code point."""
        s = self.s
        c = s[self.i + 1]
        self.i += 2
        if c in "1234567" and not (self.i < len(s) and s[self.i] in "01234567"):
            raise self.error(f"invalid escape sequence: \\{c}")
        if c in "01234567":
            value = int(c)
            for _ in range(2):
                if self.i < len(s) and s[self.i] in "01234567":
                    value = value * 8 + int(s[self.i])
                    self.i += 1
                else:
                    break
            return value
        if c == "x":
            if s.startswith("{", self.i):
                end = s.find("}", self.i)
                digits = s[self.i + 1 : end] if end > 0 else ""
                valid = bool(re.fullmatch(r"[0-9A-Fa-f]+", digits))
                if end < 0 or not valid or int(digits, 16) > MAX_CODEPOINT:
                    raise self.error("invalid escape sequence: \\x")
                self.i = end + 1
                return int(digits, 16)
            digits = s[self.i : self.i + 2]
            if not re.fullmatch(r"[0-9A-Fa-f]{2}", digits):
                raise self.error("invalid escape sequence: \\x")
            self.i += 2
            return int(digits, 16)
        simple = {"a": 7, "f": 12, "t": 9, "n": 10, "r": 13, "v": 11}
        if c in simple:
            return simple[c]
        if ord(c) < 0x80 and not c.isalnum():
            return ord(c)
        raise self.error(f"invalid escape sequence: \\{c}")

    def char_class(self) -> str:
        s = self.s
        start = self.i
        self.i += 1
        negate = False
        if s.startswith("^", self.i):
            negate = True
            self.i += 1
        ranges: list[tuple[int, int]] = []
        first = True
        while True:
            if self.i >= len(s):
                raise self.error("missing closing ]: " + s[start:])
            c = s[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            if c == "[" and s.startswith("[:", self.i):
                end = s.find(":]", self.i + 2)
                if end >= 0:
                    name = s[self.i + 2 : end]
                    negated = name.startswith("^")
                    if name.lstrip("^") not in _POSIX:
                        raise self.error("invalid character class range: " + s[self.i : end + 2])
                    items = _POSIX[name.lstrip("^")]
                    ranges.extend(_complement(items) if negated else items)
                    self.i = end + 2
                    continue
            if c == "\\" and self.i + 1 < len(s) and s[self.i + 1] in "dDwWsS":
                items = _ASCII_CLASSES[s[self.i + 1].lower()]
                ranges.extend(_complement(items) if s[self.i + 1].isupper() else items)
                self.i += 2
                continue
            if c == "\\" and self.i + 1 < len(s) and s[self.i + 1] in "pP":
                ranges.extend(self.unicode_class())
                continue
            low = self.class_char()
            high = low
            if s.startswith("-", self.i) and self.i + 1 < len(s) and s[self.i + 1] != "]":
                self.i += 1
                if s.startswith("\\", self.i) and self.i + 1 < len(s) and s[self.i + 1] in "dDwWsSpP":
                    raise self.error("invalid character class range")
                high = self.class_char()
                if high < low:
                    raise self.error("invalid character class range")
            ranges.append((low, high))
        return _class_text(ranges, negate)

    def class_char(self) -> int:
        s = self.s
        if s[self.i] == "\\":
            if self.i + 1 >= len(s):
                raise self.error("trailing backslash at end of expression")
            return self.char_escape()
        self.i += 1
        return ord(s[self.i - 1])


_CACHE: dict[str, GoRegexp | str] = {}


def compile_go(pattern: str) -> GoRegexp | str:
    """Go's regexp.Compile(pattern): a compiled GoRegexp, or the reason it cannot be evaluated (a str).
    Raises FunctionError where Go refuses the pattern."""
    cached = _CACHE.get(pattern)
    if cached is not None:
        return cached
    translator = _Translator(pattern)
    try:
        translated = translator.translate()
    except Unsupported as reason:
        result: GoRegexp | str = str(reason)
    else:
        try:
            result = GoRegexp(re.compile(translated), tuple(translator.names))
        except re.error as error:  # a translation Python still refuses: not a guess either
            result = f"regular expression not evaluated by mlmarket ({error})"
        except RecursionError:
            result = "regular expression too deeply nested"
    if len(_CACHE) < 1024:
        _CACHE[pattern] = result
    return result


def find_all(compiled: GoRegexp, value: str) -> list[re.Match[str]]:
    """Go's FindAllStringSubmatchIndex: successive matches; an empty match right after a match is skipped."""
    matches = []
    position = 0
    previous_end = -1
    while position <= len(value):
        match = compiled.pattern.search(value, position)
        if match is None:
            break
        accept = True
        if match.end() == match.start():
            if match.start() == previous_end:
                accept = False
            position = match.end() + 1
        else:
            position = match.end()
        previous_end = match.end()
        if accept:
            matches.append(match)
    return matches


def replace_all(compiled: GoRegexp, value: str, template: str) -> str:
    """Go's Regexp.ReplaceAllString, with its `$1`, `${name}` and `$$` expansion."""
    out = []
    last_end = 0
    search = 0
    while search <= len(value):
        match = compiled.pattern.search(value, search)
        if match is None:
            break
        out.append(value[last_end : match.start()])
        if match.end() > last_end or match.start() == 0:
            out.append(_expand(compiled, template, match))
        last_end = match.end()
        search = search + 1 if search + 1 > match.end() else match.end()
    out.append(value[last_end:])
    return "".join(out)


def _is_name_char(char: str) -> bool:
    return char == "_" or unicodedata.category(char)[0] == "L" or unicodedata.category(char) == "Nd"


def _expand(compiled: GoRegexp, template: str, match: re.Match[str]) -> str:
    out = []
    while template:
        before, dollar, after = template.partition("$")
        if not dollar:
            break
        out.append(before)
        template = after
        if template.startswith("$"):
            out.append("$")
            template = template[1:]
            continue
        brace = template.startswith("{")
        body = template[1:] if brace else template
        length = 0
        while length < len(body) and _is_name_char(body[length]):
            length += 1
        if length == 0 or (brace and not body.startswith("}", length)):
            out.append("$")
            continue
        name = body[:length]
        template = body[length + (1 if brace else 0) :]
        number = int(name) if name.isascii() and name.isdigit() and (name == "0" or name[0] != "0") else -1
        if number >= 10**8:
            number = -1
        if number >= 0:
            if number <= len(compiled.names) and match.start(number) >= 0:
                out.append(match.group(number))
        else:
            for index, group_name in enumerate(compiled.names, start=1):
                if group_name == name and match.start(index) >= 0:
                    out.append(match.group(index))
                    break
    out.append(template)
    return "".join(out)


# --- the functions --------------------------------------------------------------------------------------------


def pattern_result_type(pattern: str) -> Type:
    compiled = compile_go(pattern)
    if isinstance(compiled, str):
        return DYNAMIC
    names = compiled.names
    named = [n for n in names if n]
    unnamed = len(names) - len(named)
    if not names:
        return STRING
    if unnamed and named:
        raise FunctionError("invalid regexp pattern: cannot use both named and unnamed capture groups")
    if unnamed:
        return TupleType((STRING,) * unnamed)
    return ObjectType.of(dict.fromkeys(named, STRING))


def _nfc(value: str | None) -> Value:
    return Value(STRING, None if value is None else unicodedata.normalize("NFC", value))


def _result(compiled: GoRegexp, match: re.Match[str], result_type: Type) -> Value:
    if result_type == STRING:
        return _nfc(match.group(0))
    groups = [_nfc(match.group(i)) for i in range(1, len(compiled.names) + 1)]
    if isinstance(result_type, TupleType):
        return tuple_of(groups)
    return object_of(dict(zip(compiled.names, groups, strict=True)))  # a repeated name: the last group wins


def _known_pattern_type(args: Sequence[Value]) -> Type:
    pattern = args[0]
    if not pattern.is_known or pattern.is_null:
        return DYNAMIC
    try:
        text = convert(pattern, STRING).raw
    except ConversionError:
        return DYNAMIC
    return pattern_result_type(text)


def _regex_type(args: Sequence[Value]) -> Type:
    return _known_pattern_type(args)


def _regexall_type(args: Sequence[Value]) -> Type:
    return ListType(_known_pattern_type(args))


@function("regex", [Param("pattern", STRING), Param("string", STRING)], returns=_regex_type)
def _regex(context: CallContext, args: Sequence[Value]) -> Value:
    compiled = compile_go(args[0].raw)
    if isinstance(compiled, str):
        return unknown(DYNAMIC, compiled)
    result_type = pattern_result_type(args[0].raw)
    match = compiled.pattern.search(args[1].raw)
    if match is None:
        raise FunctionError("pattern did not match any part of the given string")
    return _result(compiled, match, result_type)


@function("regexall", [Param("pattern", STRING), Param("string", STRING)], returns=_regexall_type)
def _regexall(context: CallContext, args: Sequence[Value]) -> Value:
    compiled = compile_go(args[0].raw)
    if isinstance(compiled, str):
        return unknown(ListType(DYNAMIC), compiled)
    result_type = pattern_result_type(args[0].raw)
    matches = find_all(compiled, args[1].raw)
    return list_of(result_type, [_result(compiled, match, result_type) for match in matches])
