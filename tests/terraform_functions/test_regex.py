"""regex and regexall against terraform."""

from __future__ import annotations

import pytest

from mlmarket.terraform.values import STRING, number, string, unknown

from tf_batch import Call

pytestmark = pytest.mark.terraform

PATTERNS = [
    "a", "[a-z]+", "(\\d+)-(\\d+)", "(?P<year>\\d{4})-(?P<month>\\d{2})", "^abc$", "(?i)ABC", "x*", "", "(a)|(b)",
    "(a)(b)?", "\\w+@\\w+\\.com", "[[:alpha:]]+", "[^a-c]+", "\\bfoo\\b", "(?m)^\\w", "(?s)a.b", "a.b", "é+",
    "\\p{L}+", "a{2,3}", "a{,2}", "\\Qa.b\\E", "(?:ab)+", "a+?", "(?U)a+", "[\\d\\s]+", "\\x41", "\\x{1F600}",
    "\\S+$", "\\Aab", "b\\z", "[]a]+", "[a-]+", "\\.", "\\101", "(?i:a)B", "a(?i)b|c", "\\$",
]
ERRORS = ["(", "a)", "[a", "a**", "*a", "(?<=a)b", "(a)\\1", "a{1001}", "\\Z", "(?P<n>a)(?P<n>b)", "(a)(?P<n>b)",
          "\\q", "a{3,2}", "(?#c)", "x++"]
SUBJECTS = ["abc", "2024-05 and 1999-12", "foo bar foo", "", "aAbBcC", "a\nb\nabc", "ééé a.b aaa", "test@example.com",
            "12-34 56-78", "xaaay", "日本 語", "b", "]]aa--", "$5 A😀"]


def calls() -> list[Call]:
    out = []
    for pattern in PATTERNS:
        for subject in SUBJECTS[:9] if pattern not in ("\\p{L}+",) else SUBJECTS[:2]:
            out.append(Call("regexall", (string(pattern), string(subject))))
        for subject in SUBJECTS:
            out.append(Call("regex", (string(pattern), string(subject))))
    for pattern in ERRORS:
        out.append(Call("regex", (string(pattern), string("aab"))))
        out.append(Call("regexall", (string(pattern), string("aab"))))
    out += [
        Call("regex", (string("(a)"), unknown(STRING))),
        Call("regex", (unknown(STRING), string("a"))),
        Call("regexall", (string("(a)"), unknown(STRING))),
        Call("regexall", (string("a"), unknown(STRING))),
        Call("regex", (string("("), unknown(STRING))),
        Call("regex", (string("s"), string("secret", sensitive=True))),
        Call("regexall", (string("(?P<x>s)"), string("sss", sensitive=True))),
        Call("regex", (string("a"), number(1))),
    ]
    return out


def test_regex_functions_agree_with_terraform(check):
    check(calls())
