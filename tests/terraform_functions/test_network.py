"""IP network functions against terraform."""

from __future__ import annotations

import pytest

from mlmarket.terraform.values import NUMBER, STRING, number, string, unknown

from tf_batch import Call

pytestmark = pytest.mark.terraform

PREFIXES = ["10.0.0.0/8", "10.1.2.3/16", "192.168.1.0/24", "0.0.0.0/0", "172.16.0.0/30", "10.0.0.1/32",
            "fd00::/8", "2001:db8::/32", "2001:db8:1:2::/64", "::/0", "::1/128", "010.000.1.0/24", "10.0.0.0/33",
            "10.0.0.0", "256.0.0.0/8", "garbage", "::ffff:10.0.0.0/104", "2001:db8::/129", "10.0.0.0/-1", ""]


def n(value):
    return number(value)


def calls() -> list[Call]:
    out = []
    for prefix in PREFIXES:
        out.append(Call("cidrnetmask", (string(prefix),)))
        for host in (0, 1, 5, 255, 256, -1, -2, "1.5", 2**40):
            out.append(Call("cidrhost", (string(prefix), n(host))))
        for newbits, netnum in ((8, 0), (8, 1), (4, 15), (4, 16), (2, 3), (0, 0), (1, 1), (24, 5), (-1, 0),
                                (8, -1), (16, 300)):
            out.append(Call("cidrsubnet", (string(prefix), n(newbits), n(netnum))))
    for prefix, lengths in [
        ("10.1.0.0/16", (4, 4, 8, 4)), ("10.0.0.0/8", (8, 4)), ("10.0.0.0/24", (1, 1)), ("10.0.0.0/24", (1, 1, 1)),
        ("10.0.0.0/24", ()), ("10.0.0.0/24", (0,)), ("10.0.0.0/24", (9,)), ("fd00::/56", (8, 8, 16)),
        ("10.0.0.0/16", (8, 2, 8)), ("10.0.0.0/16", (33,)), ("2001:db8::/32", (32, 33)), ("10.0.0.0/8", ("1.5",)),
        ("0.0.0.0/0", (1, 1)), ("10.0.0.0/30", (2, 2, 2, 2)), ("10.0.0.0/30", (2, 2, 2, 2, 2)),
    ]:
        out.append(Call("cidrsubnets", (string(prefix), *[n(x) for x in lengths])))
    out += [
        Call("cidrhost", (unknown(STRING), n(1))),
        Call("cidrhost", (string("10.0.0.0/8", sensitive=True), n(1))),
        Call("cidrsubnet", (string("10.0.0.0/8"), unknown(NUMBER), n(1))),
        Call("cidrhost", (string("10.0.0.0/8"), string("3"))),
    ]
    return out


def test_network_functions_agree_with_terraform(check):
    check(calls())
