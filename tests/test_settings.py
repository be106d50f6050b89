"""Settings: the quick configuration check never accepts what the JSON Schema rejects, nor a number that is not
finite (which the loader refuses before either sees it)."""

from __future__ import annotations

import math

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlmarket.settings import MAX_IMAGE_SIZE_BUDGET_GIB, config_schema, plainly_valid

VALIDATOR = jsonschema.Draft202012Validator(config_schema())

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**13),
    st.floats(),  # NaN and the infinities included: YAML spells them .nan, .inf, -.inf
    st.sampled_from(["111122223333", "1111222233334", "us-east-1", "Mars", "CKV_MLM_001", "HIGH", "high", ""]),
    st.text(max_size=14),
)
entries = st.dictionaries(st.sampled_from(["id", "reason", "other"]), values, max_size=3)
configs = st.dictionaries(
    st.sampled_from(["seller_account_id", "publishing_region", "skip", "severity", "image_size_budget_gib", "x"]),
    st.one_of(
        values,
        st.lists(entries, max_size=3),
        st.dictionaries(st.sampled_from(["CKV_MLM_001", "CKV_MLM_1", "x"]), values, max_size=2),
    ),
    max_size=5,
)


@settings(max_examples=400, deadline=None)
@given(configs)
def test_quick_check_accepts_only_schema_valid_configurations(data):
    if plainly_valid(data):
        assert VALIDATOR.is_valid(data)
        budget = data.get("image_size_budget_gib")
        assert budget is None or math.isfinite(budget)


@pytest.mark.parametrize("value", [math.inf, -math.inf, MAX_IMAGE_SIZE_BUDGET_GIB * 2])
def test_schema_refuses_infinite_and_absurd_budgets(value):
    # NaN is the one value no JSON Schema keyword can refuse: the loader does (tests/robustness/test_config_trust.py).
    assert not VALIDATOR.is_valid({"image_size_budget_gib": value})
    assert not plainly_valid({"image_size_budget_gib": value})


def test_quick_check_refuses_nan():
    assert not plainly_valid({"image_size_budget_gib": math.nan})


def test_quick_check_and_schema_agree_on_the_largest_budget():
    assert config_schema()["properties"]["image_size_budget_gib"]["maximum"] == MAX_IMAGE_SIZE_BUDGET_GIB
    assert plainly_valid({"image_size_budget_gib": MAX_IMAGE_SIZE_BUDGET_GIB})
    assert VALIDATOR.is_valid({"image_size_budget_gib": MAX_IMAGE_SIZE_BUDGET_GIB})


def test_quick_check_accepts_the_documented_example():
    example = {
        "seller_account_id": "111122223333",
        "publishing_region": "us-east-1",
        "skip": [{"id": "CKV_MLM_016", "reason": "volume size is set by the platform module"}],
        "severity": {"CKV_MLM_006": "MEDIUM"},
        "image_size_budget_gib": 12.5,
    }
    assert plainly_valid(example)
    assert VALIDATOR.is_valid(example)


@pytest.mark.parametrize("value", [["HIGH"], {"level": "HIGH"}])
def test_quick_check_refuses_an_unhashable_severity_without_raising(value):
    # A list or mapping where a severity belongs once raised TypeError (membership in a frozenset).
    assert not plainly_valid({"severity": {"CKV_MLM_001": value}})
    assert not VALIDATOR.is_valid({"severity": {"CKV_MLM_001": value}})
