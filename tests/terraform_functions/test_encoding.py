"""Encoding functions against terraform (exact bytes of jsonencode and yamlencode)."""

from __future__ import annotations

import pytest

from mlmarket.terraform.values import (
    NUMBER,
    STRING,
    ListType,
    MapType,
    boolean,
    list_of,
    map_of,
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

TEXTS = ["", "hello", "日本語", "👨‍👩‍👧", "a<b>&c", "line\nbreak\r\n", "tab\there", "quote\"back\\slash", "é",
         "\u2028sep", "ctl\u0001\u001f\u007f", "with space+plus/slash?q=1&x=~", "-_.~", "\b\f", "${not}"]

NESTED = object_of({
    "name": string("n"), "count": number(3), "ratio": number("0.25"), "big": number("1e21"), "neg": number(-7),
    "on": boolean(True), "none": null(STRING), "tags": map_of(STRING, {"b": string("2"), "a": string("<1>")}),
    "list": list_of(NUMBER, [number(1), number(2)]), "set": set_of(STRING, [string("z"), string("a")]),
    "tuple": tuple_of([string("x"), number("1.5"), boolean(False), tuple_of([])]), "empty": object_of({}),
    "multi": string("l1\nl2\n"), "third": number("0.3333333333333333"),
})


def calls() -> list[Call]:
    out = []
    for text in TEXTS:
        for name in ("base64encode", "jsonencode", "urlencode", "yamlencode", "base64sha256"):
            out.append(Call(name, (string(text),)))
        out.append(Call("textencodebase64", (string(text), string("UTF-16LE"))))
    values = [NESTED, number(0), number("-1.5"), number("1e-7"), number(10**30), boolean(True), null(STRING),
              list_of(STRING, []), map_of(STRING, {}), tuple_of([null(NUMBER), string("a")]),
              object_of({"k": object_of({"deep": list_of(STRING, [string("v\nw"), string("x")])})}),
              list_of(STRING, [string("a"), unknown(STRING)]), unknown(MapType(STRING)), unknown(NUMBER),
              string("s", sensitive=True), object_of({"a": string("s", sensitive=True)}),
              string("a very long string " * 8), string("key: value"), string("- item"), string("yes"),
              string("123"), string("null"), string("  padded  "), string("#comment"), string("a: b\nc"),
              map_of(STRING, {"key with space": string("v"), "yes": string("no"), "1": string("x")}),
              list_of(ListType(STRING), [list_of(STRING, [string("a")]), list_of(STRING, [])])]
    for value in values:
        out.append(Call("jsonencode", (value,)))
        out.append(Call("yamlencode", (value,)))
    for text in ["aGVsbG8=", "aGVsbG8", "", "!!!!", "aGVs\nbG8=", "YQ==YQ==", "YR==", "/w==", "5pel5pys6Kqe",
                 "aGVsbG8=\n", " aGVsbG8=", "4pyT"]:
        out.append(Call("base64decode", (string(text),)))
        out.append(Call("textdecodebase64", (string(text), string("UTF-8"))))
    for encoding in ["UTF-8", "utf-8", "UTF-16BE", "ISO-8859-1", "windows-1252", "latin1", "not-an-encoding"]:
        out.append(Call("textencodebase64", (string("héllo"), string(encoding))))
        out.append(Call("textdecodebase64", (string("aOlsbG8="), string(encoding))))
    out.append(Call("textencodebase64", (string("日本"), string("ISO-8859-1"))))
    for source in ['{"a": 1, "b": [true, null, "x"], "c": {"d": 1.5}}', "[]", "{}", '"str"', "12", "-0", "1e400",
                   "0.1", "null", "true", '{"a":1,"a":2}', "[1,", "", " 1 ", "NaN", '"\\u003c\\ud83d\\ude00"',
                   '{"b":1,"a":2}', "123456789012345678901234567890", "[1] x", '"\\ud800"', "\t[1]\n", "01"]:
        out.append(Call("jsondecode", (string(source),)))
    for source in ["a: 1\nb: [x, 2.5, true]\n", "- yes\n- no\n- on\n- off\n- y\n- ~\n- null\n- Null", "", "---\n",
                   "key: 'quoted'\nother: \"1\"", "0x1F", "0o17", "017", "1_000", "+1", "-1.5e3", ".5", "1e3", ".inf",
                   ".nan", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10", "!!str 1",
                   "!!int '12'", "!!float 1", "!!bool yes", "!!null x", "!!binary aGk=", "!!foo x",
                   "a: &anchor\n  x: 1\nb: *anchor", "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3",
                   "a: 1\n---\nb: 2", "[1, 2", "1: one\ntrue: t\n1.50: f", "null: x", "a: 1\na: 2",
                   "|\n  lit\n  eral\n", ">\n  fol\n  ded\n", "plain text here", "{a: [1, {b: c}]}",
                   "- - nested\n  - list",
                   "key: value # comment", "'it''s'", "\"esc\\ttab\\u00e9\"", "? complex\n: key", "- ", "=", "<<: 1"]:
        out.append(Call("yamldecode", (string(source),)))
    out += [
        Call("jsondecode", (unknown(STRING),)), Call("jsondecode", (string('{"a":1}', sensitive=True),)),
        Call("yamldecode", (unknown(STRING),)), Call("base64decode", (unknown(STRING),)),
        Call("csvdecode", (unknown(STRING),)), Call("base64gzip", (unknown(STRING),)),
        Call("jsonencode", (unknown(STRING),)), Call("base64encode", (number(12),)),
        Call("jsondecode", (number(1),)), Call("urlencode", (boolean(True),)),
    ]
    for source in ["a,b\n1,2\n3,4\n", "a,b\n", "a,b", "", "\n\n", "a,b\n1\n", "a,a\n1,2\n", 'a,b\n"x,y",2\n',
                   'a\n"multi\nline"\n', 'a\n"un\n', 'a\nx"y\n', 'a\n"x"y\n', "a;b\n1;2", "a,b\r\n1,2\r\n",
                   "a\n\n1\n\n", 'a\n""\n', "a,b\n1,2,3\n", 'h\n"q""uote"\n', "a\n1\r", " a , b \n 1 , 2 \n"]:
        out.append(Call("csvdecode", (string(source),)))
    return out


def test_encoding_functions_agree_with_terraform(check):
    check(calls())


def test_base64gzip_is_unknown_with_its_reason():
    from mlmarket.terraform.functions import call

    result = call("base64gzip", [string("hello")])
    assert not result.is_known and "gzip" in result.reason
