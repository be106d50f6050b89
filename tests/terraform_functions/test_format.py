"""format and formatlist against terraform."""

from __future__ import annotations

import pytest

from mlmarket.terraform.values import (
    NUMBER,
    STRING,
    ListType,
    boolean,
    list_of,
    null,
    number,
    object_of,
    set_of,
    string,
    tuple_of,
    unknown,
)

from tf_batch import Call

pytestmark = pytest.mark.terraform

NUMBERS = [0, 1, -1, 42, "3.14159", "-2.5", "0.5", "1.5", "2.5", "1e21", "1e-7", "123456789", "1000000", "0.1",
           "100000", "-0.0001234", "99.995", "1e100", 255, "0.3333333333333333333333"]
NUMBER_VERBS = ["%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%x", "%X", "%o", "%b", "%#x", "%#o", "%.3d", "%8.3d",
                "%f", "%.2f", "%8.3f", "%-8.1f|", "%08.2f", "%+.1f", "%.0f", "%e", "%.2e", "%E", "%12.4E", "%g",
                "%.3g", "%G", "%10g", "%v", "%#v", "%s", "%q", "%.f", "% f", "%+08.2f", "%-08d|", "%.0e"]
STRINGS = ["hello", "", "日本語", "👨‍👩‍👧x", "a\"b<c>&", "line\nbreak", "true", "12", "é"]
STRING_VERBS = ["%s", "%10s|", "%-10s|", "%.2s", "%5.1s|", "%q", "%v", "%#v", "%010s", "%-010s|", "%t", "%d", "%.0s"]


def calls() -> list[Call]:
    out = []
    for value in NUMBERS:
        for verb in NUMBER_VERBS:
            out.append(Call("format", (string(verb), number(value))))
    for value in STRINGS:
        for verb in STRING_VERBS:
            out.append(Call("format", (string(verb), string(value))))
    obj = object_of({"b": number(1), "a": string("x<y"), "c": tuple_of([boolean(True), null(STRING)])})
    for verb in ["%v", "%#v", "%s", "%20v|", "%d", "%t"]:
        out.append(Call("format", (string(verb), obj)))
        out.append(Call("format", (string(verb), boolean(False))))
        out.append(Call("format", (string(verb), null(STRING))))
        out.append(Call("format", (string(verb), list_of(NUMBER, [number(1), number("2.5")]))))
    for spec, args in [
        ("%s and %s", ("a", "b")), ("%[2]s %[1]s", ("a", "b")), ("%[2]s %s", ("a", "b", "c")), ("%s", ()),
        ("plain", ()), ("plain", ("extra",)), ("%s %s", ("one",)), ("100%%", ()), ("%", ()), ("%z", ("a",)),
        ("%5%", ()), ("%[0]s", ("a",)), ("%[3]s", ("a", "b")), ("%-5[1]s|%[1]q", ("ab",)), ("%*d", ("a",)),
        ("%s %[1]s %s", ("a", "b")), ("%[1]s", ("a", "b")),
    ]:
        out.append(Call("format", (string(spec), *[string(a) for a in args])))
    out += [
        Call("format", (string("%s"), unknown(STRING))),
        Call("format", (string("x%s"), unknown(NUMBER))),
        Call("format", (string("%s %s"), string("a"), tuple_of([unknown(STRING)]))),
        Call("format", (string("%s"), string("pw", sensitive=True))),
        Call("format", (unknown(STRING), string("a"))),
        Call("format", (string("%z"), unknown(STRING))),
        Call("format", (string("%d"), string("12"))),
        Call("format", (string("%d"), string("1.5"))),
        Call("format", (string("%f"), string("abc"))),
        Call("format", (string("%t"), number(1))),
    ]
    names = list_of(STRING, [string("a"), string("b"), string("c")])
    out += [
        Call("formatlist", (string("%s!"), names)),
        Call("formatlist", (string("%s=%d"), names, list_of(NUMBER, [number(1), number(2), number(3)]))),
        Call("formatlist", (string("%s-%s"), names, string("x"))),
        Call("formatlist", (string("%s-%s"), names, list_of(STRING, [string("x")]))),
        Call("formatlist", (string("%s"), list_of(STRING, []))),
        Call("formatlist", (string("plain"),)),
        Call("formatlist", (string("%s"), string("single"))),
        Call("formatlist", (string("%s %s"), tuple_of([string("a"), number(1)]), set_of(STRING, [string("z"),
                                                                                                 string("y")]))),
        Call("formatlist", (string("%s"), list_of(STRING, [string("a"), unknown(STRING)]))),
        Call("formatlist", (string("%s"), unknown(ListType(STRING)))),
        Call("formatlist", (string("%s"), unknown(STRING))),
        Call("formatlist", (string("%d"), names)),
        Call("formatlist", (string("%s"), null(STRING))),
        Call("formatlist", (string("%v"), null(ListType(STRING)))),
        Call("formatlist", (string("%s"), list_of(STRING, [string("a"), string("s", sensitive=True)]))),
    ]
    return out


def test_format_functions_agree_with_terraform(check):
    check(calls())


def test_a_bare_null_argument_makes_format_unknown_of_no_type(check):
    # A literal `null` has no type; terraform answers unknown (dynamic) for format and formatlist.
    from mlmarket.terraform.values import DYNAMIC

    check([Call("format", (string("%v"), null(DYNAMIC))), Call("format", (string("x%d"), null(DYNAMIC))),
           Call("formatlist", (string("%v"), null(DYNAMIC))), Call("jsonencode", (null(DYNAMIC),))])
