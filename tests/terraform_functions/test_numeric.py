"""Numeric functions and the arithmetic helpers of the operators against terraform."""

from __future__ import annotations

import pytest

from mlmarket.terraform.values import (
    NUMBER,
    STRING,
    ListType,
    boolean,
    list_of,
    map_of,
    null,
    number,
    set_of,
    string,
    tuple_of,
    unknown,
)

from tf_batch import Call

pytestmark = pytest.mark.terraform

VALUES = [0, 1, -1, 7, -7, "2.5", "-2.5", "0.1", "1e20", "-0.5", "123456789012345678901234567890", "3.999", "1e-5"]


def n(value):
    return number(value)


def calls() -> list[Call]:
    out = []
    for value in VALUES:
        for name in ("abs", "ceil", "floor", "signum"):
            out.append(Call(name, (n(value),)))
    for a in (0, 1, 2, 8, "0.5", "100", "2.5", -1):
        for b in (2, 10, "0.5", 1, 0, -2, 3):
            out.append(Call("log", (n(a), n(b))))
            out.append(Call("pow", (n(a), n(b))))
    for a in (7, -7, "5.5", "-5.5", 0, "1e20", "0.1", 1, "2.5"):
        for b in (3, -3, 2, "0.5", "0.3", 0, "1e-3", "7"):
            for operator in ("+", "-", "*", "/", "%"):
                out.append(Call(f"{{0}} {operator} {{1}}", (n(a), n(b))))
    out += [
        Call("max", (n(1), n(3), n(2))), Call("max", (n("-1.5"),)), Call("max", ()), Call("min", (n(1), n(-3))),
        Call("min", (n("0.1"), n("0.10"))), Call("max", (string("5"), n(3))), Call("max", (string("x"), n(3))),
        Call("min", (n(1), unknown(NUMBER))), Call("max", (n(1), null(NUMBER))),
        Call("max", (n(2), n("1e30"), n(-5))),
    ]
    for text, base in [("100", 2), ("FF", 16), ("ff", 16), ("-12", 10), ("+7", 8), ("z", 36), ("Z", 62), ("z", 62),
                       ("12", 3), ("", 10), ("1_000", 10), ("0x1F", 16), ("0x1F", 0), ("10", 63), ("10", 1),
                       ("123456789012345678901234567890", 10), (" 1", 10), ("12", "2.5")]:
        out.append(Call("parseint", (string(text), n(base))))
    out += [
        Call("parseint", (n(10), n(10))), Call("parseint", (unknown(STRING), n(10))),
        Call("parseint", (string("1"), unknown(NUMBER))), Call("parseint", (unknown(NUMBER), n(10))),
        Call("parseint", (string("11", sensitive=True), n(2))),
    ]
    out += [
        Call("sum", (list_of(NUMBER, [n(1), n(2), n("3.5")]),)),
        Call("sum", (list_of(NUMBER, []),)),
        Call("sum", (tuple_of([n(1), string("2")]),)),
        Call("sum", (tuple_of([n(1), string("x")]),)),
        Call("sum", (tuple_of([n(1), boolean(True)]),)),
        Call("sum", (set_of(NUMBER, [n(1), n(5)]),)),
        Call("sum", (map_of(NUMBER, {"a": n(1)}),)),
        Call("sum", (n(5),)),
        Call("sum", (list_of(NUMBER, [n(1), null(NUMBER)]),)),
        Call("sum", (list_of(NUMBER, [n(1), unknown(NUMBER)]),)),
        Call("sum", (unknown(ListType(NUMBER)),)),
        Call("sum", (list_of(STRING, [string("1"), string("2")]),)),
        Call("sum", (list_of(NUMBER, [n("0.1"), n("0.2")]),)),
        Call("sum", (list_of(NUMBER, [n(1), n(2)], sensitive=True),)),
        Call("abs", (n(-3, ) if False else number(-3, sensitive=True),)),
        Call("abs", (unknown(NUMBER),)), Call("abs", (string("-4"),)), Call("abs", (string("x"),)),
        Call("abs", (null(NUMBER),)), Call("ceil", (boolean(True),)),
    ]
    return out


def test_numeric_functions_agree_with_terraform(check):
    check(calls())
