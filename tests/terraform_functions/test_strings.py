"""String functions against terraform: one batched plan for the whole table."""

from __future__ import annotations

import pytest

from mlmarket.terraform.functions.strings import grapheme_count
from mlmarket.terraform.values import (
    NUMBER,
    STRING,
    ListType,
    boolean,
    list_of,
    null,
    number,
    string,
    tuple_of,
    unknown,
)

from tf_batch import Call

pytestmark = pytest.mark.terraform

CORPUS = [
    "", "hello", "Hello World", "  padded\t\n", "ß", "straße", "İstanbul", "ΣΑΣ", "ǆemal ǳ", "ﬀ ﬁ", "é", "ẍy",
    "🇺🇸🇫🇷🇩", "👨‍👩‍👧 family", "👍🏽!", "क्षि", "각각", "a\r\nb\n\n", "🏳️‍🌈x", "soft\u00adhyphen",
    "ABC-def_ghi jkl", "hello.world/x", "mixed CASE words", "tab\tsep", "\u03b1-\u03b2 \u03b3",
    "ᾳ ᾀ", "x\u200dy", "日本語テキスト",
    "line1\nline2\r\n", "\u00a0nbsp\u3000", "o'neil mc-donald", "123abc 4th", "a\u0301\u0302b",
]


def s(text, **kw):
    return string(text, **kw)


def n(value):
    return number(value)


def calls() -> list[Call]:
    out = []
    for text in CORPUS:
        for name in ("upper", "lower", "title", "strrev", "chomp", "trimspace"):
            out.append(Call(name, (s(text),)))
        out.append(Call("length", (s(text),)))  # grapheme_count, checked below with length()
    for text in CORPUS[:22]:
        for offset, length in ((0, 1), (1, 2), (2, -1), (-1, 1), (-3, 2), (0, 0), (-2, 0), (5, 100), (100, 1),
                               (-100, 2), (3, 0)):
            out.append(Call("substr", (s(text), n(offset), n(length))))
    pairs = [("hello world", "o"), ("a,b,,c", ","), ("", ","), ("abc", ""), ("", ""), ("日本語", "本"),
             ("aaa", "aa"), ("x", "xyz"), ("ab", "ab"), ("🇺🇸🇫🇷", "🇫🇷")]
    for text, other in pairs:
        for name in ("startswith", "endswith", "strcontains", "trimprefix", "trimsuffix", "trim"):
            out.append(Call(name, (s(text), s(other))))
        out.append(Call("split", (s(other), s(text))))
        out.append(Call("replace", (s(text), s(other), s("<$0>"))))
    for text, old, new in [
        ("hello world", "/o/", "0"), ("hello", "/l+/", "L"), ("abxd", "/x*/", "-"), ("abc", "//", "x"),
        ("abc", "/", "x"), ("a1b22c", "/(\\d+)/", "[$1]"), ("a1b22c", "/(?P<n>\\d)/", "${n}!"), ("aaa", "/a/", "$$"),
        ("abc", "/(b)/", "$1x"), ("abc", "/(b)/", "${1}x"), ("abc", "/b/", "$"), ("xAx", "/(?i)a/", "_"),
        ("abc", "/[/", "x"), ("line\nline", "/^l/", "L"), ("line\nline", "/(?m)^l/", "L"), ("ab", "/$/", "!"),
        ("héllo", "/./", "."), ("word word", "/\\bw/", "W"), ("a-b_c", "/\\W/", " "), ("aaa", "/a*?/", "-"),
        ("abc", "", "x"), ("abc", "b", ""), ("a.b.c", ".", "\\"), ("日本", "/本/", "x"),
    ]:
        out.append(Call("replace", (s(text), s(old), s(new))))
    for spaces, text in [(2, "a\nb\nc"), (0, "a\nb"), (4, "no newline"), (1, "\n\n"), (3, "")]:
        out.append(Call("indent", (n(spaces), s(text))))
    strings_list = list_of(STRING, [s("a"), s("b"), s("c")])
    out += [
        Call("join", (s(", "), strings_list)),
        Call("join", (s(""), strings_list)),
        Call("join", (s("-"), list_of(STRING, []))),
        Call("join", (s("-"), strings_list, list_of(STRING, [s("d")]))),
        Call("join", (s("-"), tuple_of([s("x"), n(1), boolean(True)]))),
        Call("join", (s("-"), list_of(STRING, [s("a"), null(STRING)]))),
        Call("join", (s("-"), list_of(STRING, [s("a"), unknown(STRING)]))),
        Call("join", (s("-"), unknown(ListType(STRING)))),
        Call("join", (s("-"),)),
        Call("join", (s("-"), list_of(STRING, [s("a"), s("b", sensitive=True)]))),
        Call("split", (s(","), s("a,b", sensitive=True))),
        Call("upper", (s("secret", sensitive=True),)),
        Call("upper", (unknown(STRING),)),
        Call("upper", (unknown(STRING, sensitive=True),)),
        Call("upper", (null(STRING),)),
        Call("upper", (n(12),)),
        Call("upper", (boolean(True),)),
        Call("upper", (strings_list,)),
        Call("startswith", (unknown(STRING), s(""))),
        Call("startswith", (unknown(STRING), s("a"))),
        Call("startswith", (s("abc"), unknown(STRING))),
        Call("endswith", (unknown(STRING), s(""))),
        Call("substr", (s("hello"), n("1.5"), n(2))),
        Call("substr", (s("hello"), unknown(NUMBER), n(2))),
        Call("substr", (s("hello"), n(1), null(NUMBER))),
        Call("indent", (n("1.5"), s("a\nb"))),
        Call("indent", (n(-1), s("a\nb"))),
        Call("indent", (n(-1), s("ab"))),
        Call("trim", (s("xxhixx"), s("x"))),
        Call("trim", (s("  hi  "), s(" h"))),
        Call("trim", (s("?!hello?!"), s("!?"))),
        Call("title", (s("hello_world foo-bar"),)),
        Call("chomp", (s("x\r\r\n\n\r"),)),
        Call("strcontains", (s("abc"), n(1))),
        Call("split", (s(","), n(123))),
    ]
    return out


def test_grapheme_count_matches_length():
    # length() is the collection family's; it counts grapheme clusters with this helper.
    assert grapheme_count("👨‍👩‍👧") == 1
    assert grapheme_count("🇺🇸🇫🇷🇩") == 3
    assert grapheme_count("a\r\nb") == 3


def test_string_functions_agree_with_terraform(check):
    check(calls())


MINE = [
    "chomp", "endswith", "indent", "join", "lower", "replace", "split", "startswith", "strcontains", "strrev",
    "substr", "title", "trim", "trimprefix", "trimspace", "trimsuffix", "upper", "regex", "regexall", "format",
    "formatlist", "abs", "ceil", "floor", "log", "max", "min", "parseint", "pow", "signum", "sum", "base64decode",
    "base64encode", "base64gzip", "csvdecode", "jsondecode", "jsonencode", "textdecodebase64", "textencodebase64",
    "urlencode", "yamldecode", "yamlencode", "base64sha256", "base64sha512", "md5", "sha1", "sha256", "sha512",
    "uuidv5", "bcrypt", "rsadecrypt", "uuid", "cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets", "formatdate",
    "timeadd", "timecmp", "timestamp", "plantimestamp",
]


def test_no_python_exception_escapes_any_function():
    """Every function, with arguments of every kind: a Value or a FunctionError, never another exception."""
    import itertools
    import random

    from mlmarket.terraform.functions import FunctionError, call, lookup_function
    from mlmarket.terraform.values import MapType, map_of, object_of

    odd = [
        s(""), s("%"), s("("), s("\\"), s("1e999"), s("-"), s("a\u0000b"), s("[[:foo:]]"), s("/(/"), n(0), n(-1),
        n("1e300"), n("-1e300"), n("0.5"), n(2**70), boolean(True), null(), null(STRING), unknown(),
        list_of(STRING, [s("a")]), tuple_of([n(1), tuple_of([])]), map_of(STRING, {"a": s("b")}),
        object_of({"a": null()}), unknown(MapType(STRING)), list_of(STRING, []),
    ]
    for name in MINE:
        assert lookup_function(name) is not None, name
        chooser = random.Random(name)
        for arity in range(4):
            combos = list(itertools.product(odd, repeat=arity)) if arity < 2 else [
                tuple(chooser.choice(odd) for _ in range(arity)) for _ in range(300)
            ]
            for args in combos:
                try:
                    result = call(name, list(args))
                except FunctionError:
                    continue
                assert result is not None
