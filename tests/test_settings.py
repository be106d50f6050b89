"""Settings: the quick configuration check never accepts what the JSON Schema rejects."""

from __future__ import annotations

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from mlmarket.settings import config_schema, plainly_valid

VALIDATOR = jsonschema.Draft202012Validator(config_schema())

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**13),
    st.floats(allow_nan=False),
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
