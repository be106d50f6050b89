"""Pipeline definitions as the rules read them: literals kept, expressions and over-deep nesting Unknown."""

from __future__ import annotations

import json

import pytest

from mlmarket.model import Unknown
from mlmarket.model.pipeline import read_definition


def nested(levels: int, leaf: object) -> dict:
    value: object = leaf
    for _ in range(levels):
        value = {"a": value}
    return value  # type: ignore[return-value]


def leaf_of(document: object, levels: int) -> object:
    for _ in range(levels):
        assert isinstance(document, dict)
        document = document["a"]
    return document


@pytest.mark.parametrize("as_text", [True, False], ids=["json text", "object"])
def test_literals_down_to_the_depth_limit_are_kept_and_deeper_ones_are_unknown(as_text):
    # The root object is depth 0; the list's items sit one below the innermost object: depth levels + 1.
    for levels, kept in ((63, True), (64, False)):
        definition = nested(levels, ["x", 1, None])
        document = read_definition(json.dumps(definition) if as_text else definition)
        leaf = leaf_of(document, levels)
        if kept:
            assert leaf == ["x", 1, None]
        else:
            assert [item.reason if isinstance(item, Unknown) else item for item in leaf] == [
                "pipeline definition nested too deeply"
            ] * 3


def test_expressions_become_unknown_and_everything_else_stays_as_written():
    definition = {
        "Version": "2020-12-01",
        "Steps": [
            {
                "Name": "Train",
                "Type": "Training",
                "Arguments": {
                    "ResourceConfig": {"InstanceType": {"Get": "Parameters.Type"}, "InstanceCount": 2},
                    "Tags": [{"Key": "k", "Value": {"Std:Join": {"On": "-", "Values": ["a", "b"]}}}],
                    "Flags": [True, False, 0.5, None],
                },
            }
        ],
    }
    arguments = read_definition(json.dumps(definition))["Steps"][0]["Arguments"]
    instance_type = arguments["ResourceConfig"]["InstanceType"]
    joined = arguments["Tags"][0]["Value"]
    assert isinstance(instance_type, Unknown)
    assert instance_type.reason == (
        "pipeline expression {Get: 'Parameters.Type'} is resolved only when the pipeline runs"
    )
    assert isinstance(joined, Unknown)
    assert joined.reason == "pipeline expression {Std:Join: ...} is resolved only when the pipeline runs"
    assert arguments["ResourceConfig"]["InstanceCount"] == 2
    assert arguments["Tags"][0]["Key"] == "k"
    assert arguments["Flags"] == [True, False, 0.5, None]
