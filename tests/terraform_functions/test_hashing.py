"""Hash and UUID functions against terraform."""

from __future__ import annotations

import pytest

from mlmarket.terraform.values import NUMBER, STRING, number, string, unknown

from tf_batch import Call

pytestmark = pytest.mark.terraform

TEXTS = ["", "hello", "日本語", "👨‍👩‍👧", "line\nbreak", "a" * 200, "é"]


def calls() -> list[Call]:
    out = []
    for text in TEXTS:
        for name in ("md5", "sha1", "sha256", "sha512", "base64sha256", "base64sha512"):
            out.append(Call(name, (string(text),)))
        for namespace in ("dns", "url", "oid", "x500", "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                          "{6ba7b811-9dad-11d1-80b4-00c04fd430c8}", "urn:uuid:6ba7b812-9dad-11d1-80b4-00c04fd430c8",
                          "6ba7b8149dad11d180b400c04fd430c8", "DNS", "not-a-uuid", ""):
            out.append(Call("uuidv5", (string(namespace), string(text))))
    out += [
        Call("md5", (string("s", sensitive=True),)),
        Call("md5", (unknown(STRING),)),
        Call("sha256", (number(12),)),
        Call("uuid", ()),
        Call("bcrypt", (string("pw"),)),
        Call("bcrypt", (string("pw"), number(5))),
        Call("bcrypt", (string("pw"), number(5), number(6))),
        Call("bcrypt", (string("pw"), unknown(NUMBER))),
        Call("rsadecrypt", (string("eA=="), string("not a key"))),
    ]
    return out


def test_hash_functions_agree_with_terraform(check):
    check(calls())
