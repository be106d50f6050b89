"""Date and time functions against terraform."""

from __future__ import annotations

import pytest

from mlmarket.terraform.values import STRING, number, string, unknown

from tf_batch import Call

pytestmark = pytest.mark.terraform

STAMPS = ["2024-02-29T10:05:09Z", "2023-12-31T23:59:59+05:30", "2018-01-02T03:04:05.123456789-08:00",
          "1999-01-01T00:00:00+00:00", "2024-02-30T00:00:00Z", "2024-01-01T1:00:00Z", "2024-01-01 10:00:00Z",
          "2024-01-01T10:00:00", "2024-01-01t10:00:00z", "2024-01-01T24:00:00Z", "2024-01-01T10:00:00,5Z",
          "not a date", "", "2024-01-01T10:00:00+24:00", "0001-01-01T00:00:00Z"]
FORMATS = ["YYYY-MM-DD", "DD MMM YYYY hh:mm ZZZ", "EEEE, MMMM D, YY", "h:mm:ss AA aa", "HH H", "Z ZZZZ ZZZZZ",
           "'literal' YYYY 'o''clock' ''", "EEE M/D", "YYY", "'unterminated", "hh:mm:ssZ", "x", "[YYYY]", "Q"]
DURATIONS = ["1h", "-30m", "1.5h", "90s", "1h30m15s", "100ms", "2562047h", "1d", "", "0", "-0", "+5m", ".5s",
             "1.h", "5", "1us", "1µs", "3000000000s", "300ns"]


def calls() -> list[Call]:
    out = []
    for stamp in STAMPS:
        for spec in FORMATS:
            out.append(Call("formatdate", (string(spec), string(stamp))))
        for duration in DURATIONS[:10] if stamp != STAMPS[0] else DURATIONS:
            out.append(Call("timeadd", (string(stamp), string(duration))))
        for other in STAMPS[:5]:
            out.append(Call("timecmp", (string(stamp), string(other))))
    out += [
        Call("timestamp", ()),
        Call("formatdate", (string("YYYY"), unknown(STRING))),
        Call("timeadd", (string("2024-01-01T00:00:00Z", sensitive=True), string("1h"))),
        Call("timecmp", (string("2024-01-01T00:00:00Z"), number(1))),
        Call("timeadd", (string("9999-12-31T23:00:00Z"), string("30m"))),
        Call("timeadd", (string("2024-01-01T00:00:00Z"), string("-2562047h"))),
    ]
    return out


def test_date_functions_agree_with_terraform(check):
    check(calls())


def test_plantimestamp_is_a_string_known_to_terraform_but_not_to_a_scan(tmp_path):
    from mlmarket.terraform.functions import call

    from tf_batch import run_outputs, terraform_binary

    if terraform_binary() is None:
        pytest.skip("terraform is not installed")
    answer = run_outputs({}, {"p": "plantimestamp()"}, tmp_path)["p"]
    assert answer.type == "string" and answer.unknown is False  # the time the plan was made
    mine = call("plantimestamp", [])
    assert not mine.is_known and mine.type == STRING
