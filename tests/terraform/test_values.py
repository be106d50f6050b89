"""The value model against what Terraform 1.11 printed for the same values (recorded by hand from
`terraform show -json`; the differential suites check the same rules at scale)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mlmarket.terraform.values import (
    BOOL,
    DYNAMIC,
    NUMBER,
    STRING,
    ConversionError,
    ListType,
    MapType,
    ObjectType,
    SetType,
    TupleType,
    boolean,
    convert,
    make_number,
    null,
    number,
    number_to_string,
    object_of,
    parse_number,
    set_of,
    string,
    tuple_of,
    unify,
    unknown,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1, 3), "0." + "3" * 154 + "5"),  # terraform: "x${1/3}"
        (make_number("0.1") + make_number("0.2"), "0.3"),
        (Fraction(1, 10**7), "0.0000001"),
        (Fraction(-1, 2), "-0.5"),
        (10**100, "1" + "0" * 100),
        (Fraction("123456789.123456789"), "123456789.123456789"),
        (Fraction(2, 3) * 3, "2"),
    ],
)
def test_number_to_string_matches_terraform(value, text):
    assert number_to_string(make_number(value)) == text


def test_numbers_are_rounded_to_a_512_bit_mantissa():
    third = make_number(Fraction(1, 3))
    assert isinstance(third, Fraction)
    assert third.denominator == 2 ** (third.denominator.bit_length() - 1)
    assert make_number(2**600 + 1) == 2**600


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("1e3", 1000), ("0.5", Fraction(1, 2)), ("-2", -2), (" 1", None), ("0x10", None), ("nan", None), ("", None)],
)
def test_string_to_number_accepts_what_tonumber_accepts(text, parsed):
    assert parse_number(text) == parsed


def test_tolist_of_a_mixed_tuple_unifies_to_strings():
    converted = convert(tuple_of([number(1), string("a")]), ListType(DYNAMIC))
    assert converted.type == ListType(STRING)
    assert [item.raw for item in converted.elements()] == ["1", "a"]


def test_toset_removes_duplicates_after_conversion_and_sorts():
    converted = convert(tuple_of([number(1), string("1"), string("0")]), SetType(DYNAMIC))
    assert converted.type == SetType(STRING)
    assert [item.raw for item in converted.elements()] == ["0", "1"]


@pytest.mark.parametrize(
    ("types", "unified"),
    [
        ([NUMBER, STRING], STRING),
        ([BOOL, STRING], STRING),
        ([NUMBER, BOOL], None),
        ([ObjectType.of({"a": NUMBER}), ObjectType.of({"b": STRING})], MapType(STRING)),
        ([ObjectType.of({"a": NUMBER}), ObjectType.of({"a": STRING})], ObjectType.of({"a": STRING})),
        ([TupleType((NUMBER,)), TupleType((STRING,))], TupleType((STRING,))),
        ([ListType(NUMBER), ListType(STRING)], ListType(STRING)),
    ],
)
def test_unify_as_terraform_unifies_conditional_results(types, unified):
    assert unify(types) == unified


def test_bool_strings_convert_as_terraform_does():
    assert convert(string("1"), BOOL) == boolean(True)
    assert convert(string("false"), BOOL) == boolean(False)
    with pytest.raises(ConversionError):
        convert(string("yes"), BOOL)


def test_unknown_and_null_keep_their_reason_and_take_the_target_type():
    reason = unknown(DYNAMIC, "aws_s3_bucket.b.arn is known only after apply", ("aws_s3_bucket.b.arn",))
    converted = convert(reason, STRING)
    assert (converted.type, converted.is_known, converted.refs) == (STRING, False, ("aws_s3_bucket.b.arn",))
    assert convert(null(), NUMBER).type == NUMBER


def test_sensitivity_is_kept_through_conversion_and_seen_inside_collections():
    secret = string("s", sensitive=True)
    assert convert(secret, STRING).sensitive
    assert object_of({"a": secret}).is_sensitive_anywhere
    assert not object_of({"a": string("x")}).is_sensitive_anywhere


def test_object_type_json_as_terraform_prints_it():
    value = object_of({"b": number(1), "a": set_of(STRING, [string("x")])})
    assert value.type.json() == ["object", {"a": ["set", "string"], "b": "number"}]
