"""tests/source_vs_plan.py itself: what it compares, what it reports, what it explains."""

from __future__ import annotations

import copy

from mlmarket.model import Unknown

from source_vs_plan import (
    ABSENT,
    ONLY_IN_PLAN,
    ONLY_IN_SOURCE,
    PLAN_UNKNOWN,
    REFERENCE,
    SHAPE,
    SOURCE_UNKNOWN,
    VALUE,
    Difference,
    compare,
    rule_reads,
)
from support import resource, stack

IMAGE = "111122223333.dkr.ecr.us-east-1.amazonaws.com/model:1"


def model(name: str = "pass_model", **attributes):
    values = {"enable_network_isolation": True, "primary_container": [{"image": IMAGE}], **attributes}
    return resource("aws_sagemaker_model", name, values)


def endpoint_configuration(variants: list[dict], name: str = "pass_config"):
    return resource("aws_sagemaker_endpoint_configuration", name, {"production_variants": variants})


def found(source, plan) -> set[tuple[str, str, str]]:
    return {(d.address, d.where, d.kind) for d in compare(source, plan).differences}


def test_the_same_stack_read_twice_agrees_everywhere():
    comparison = compare(stack(model()), stack(model()))
    assert comparison.differences == []
    assert comparison.explained == []
    assert comparison.addresses_agreeing == 1
    assert comparison.places_compared == comparison.places_agreeing > 0


def test_a_known_value_a_rule_reads_is_compared():
    source = stack(model(enable_network_isolation=False))
    plan = stack(model(enable_network_isolation=True))
    (difference,) = compare(source, plan).differences
    assert difference == Difference(
        "aws_sagemaker_model.pass_model", "enable_network_isolation", VALUE, False, True, "aws_sagemaker_model"
    )


def test_nested_values_are_compared_by_path_and_lists_by_length():
    source = stack(endpoint_configuration([{"instance_type": "ml.m5.large", "volume_size_in_gb": 30}]))
    plan = stack(endpoint_configuration([{"instance_type": "ml.m5.large", "volume_size_in_gb": 40}]))
    assert found(source, plan) == {
        ("aws_sagemaker_endpoint_configuration.pass_config", "production_variants[0].volume_size_in_gb", VALUE)
    }
    two = stack(endpoint_configuration([{"instance_type": "ml.m5.large"}, {"instance_type": "ml.c5.large"}]))
    one = stack(endpoint_configuration([{"instance_type": "ml.m5.large"}]))
    # The second variant's places, read on the plan side, are absent on the source side.
    assert found(one, two) == {
        ("aws_sagemaker_endpoint_configuration.pass_config", "production_variants", SHAPE),
        ("aws_sagemaker_endpoint_configuration.pass_config", "production_variants[1].instance_type", VALUE),
    }


def test_an_attribute_no_rule_reads_is_not_compared():
    assert found(stack(model(tags={"team": "a"})), stack(model(tags={"team": "b"}))) == set()


def test_numbers_compare_by_value_but_a_bool_is_no_number():
    source = stack(endpoint_configuration([{"volume_size_in_gb": 30}]))
    assert found(source, stack(endpoint_configuration([{"volume_size_in_gb": 30.0}]))) == set()
    assert found(stack(endpoint_configuration([{"volume_size_in_gb": True}])),
                 stack(endpoint_configuration([{"volume_size_in_gb": 1}]))) == {
        ("aws_sagemaker_endpoint_configuration.pass_config", "production_variants[0].volume_size_in_gb", VALUE)
    }


def test_addresses_only_on_one_side():
    assert found(stack(model("pass_a")), stack(model("pass_b"))) == {
        ("aws_sagemaker_model.pass_b", "(address)", ONLY_IN_PLAN),
        ("aws_sagemaker_model.pass_a", "(address)", ONLY_IN_SOURCE),
    }


def test_unknown_on_one_side_is_a_difference_either_way():
    later = Unknown("known only after apply")
    assert found(stack(model(enable_network_isolation=later)), stack(model())) == {
        ("aws_sagemaker_model.pass_model", "enable_network_isolation", SOURCE_UNKNOWN)
    }
    assert found(stack(model()), stack(model(enable_network_isolation=later))) == {
        ("aws_sagemaker_model.pass_model", "enable_network_isolation", PLAN_UNKNOWN)
    }


def test_unknown_on_both_sides_agrees_when_the_references_lead_to_the_same_resource():
    repository = resource("aws_ecr_repository", "pass_repository", {"name": "r"})
    repository_url = Unknown("after apply", ("aws_ecr_repository.pass_repository.repository_url",))
    also_repository = Unknown("other words", ("aws_ecr_repository.pass_repository",))
    nothing = Unknown("after apply")

    def with_image(image):
        return stack(model(primary_container=[{"image": image}]), repository)

    assert found(with_image(repository_url), with_image(also_repository)) == set()
    (difference,) = compare(with_image(repository_url), with_image(nothing)).differences
    assert (difference.where, difference.kind) == (
        "primary_container[0].image",
        f"{REFERENCE} (source: aws_ecr_repository.pass_repository, plan: (none))",
    )


def test_region_and_account_of_every_resource_are_compared():
    source = stack(resource("aws_s3_bucket", "pass_bucket", {"bucket": "b"}, region="us-east-1"))
    plan = stack(resource("aws_s3_bucket", "pass_bucket", {"bucket": "b"}, region="us-west-2", account="111122223333"))
    assert found(source, plan) == {
        ("aws_s3_bucket.pass_bucket", "(region)", VALUE),
        ("aws_s3_bucket.pass_bucket", "(account)", VALUE),
    }


def test_a_block_the_plan_lists_empty_is_explained():
    comparison = compare(stack(model()), stack(model(container=[])))
    assert comparison.differences == []
    ((difference, kind),) = comparison.explained
    assert (difference.where, difference.source, difference.plan) == ("container", ABSENT, [])
    assert kind == "unwritten block listed empty by the plan"
    assert comparison.places_explained == 1


def test_a_computed_argument_not_set_is_explained_and_a_written_one_is_not():
    later = Unknown("known only after apply (written in a dynamic block)")
    unset = stack(endpoint_configuration([{"instance_type": "ml.g5.xlarge", "volume_size_in_gb": None}]))
    planned = stack(endpoint_configuration([{"instance_type": "ml.g5.xlarge", "volume_size_in_gb": later}]))
    comparison = compare(unset, planned)
    assert comparison.differences == []
    (explained,) = comparison.explained
    assert explained[1] == "source knows more: an argument the provider computes, not set"
    # instance_type is not computed by the provider: a known source value where the plan is unknown is an error.
    unknown_type = stack(endpoint_configuration([{"instance_type": later, "volume_size_in_gb": None}]))
    assert found(unset, unknown_type) == {
        ("aws_sagemaker_endpoint_configuration.pass_config", "production_variants[0].instance_type", PLAN_UNKNOWN)
    }


def test_a_provider_region_only_the_source_evaluates_is_explained():
    unresolved = Unknown("expression referencing local.region is not known")
    source = stack(resource("aws_s3_bucket", "pass_bucket", {"bucket": "b"}, region="eu-west-1"))
    plan = stack(resource("aws_s3_bucket", "pass_bucket", {"bucket": "b"}, region=unresolved))
    assert found(source, plan) == set()
    other_reason = stack(resource("aws_s3_bucket", "pass_bucket", {"bucket": "b"}, region=Unknown("after apply")))
    assert found(source, other_reason) == {("aws_s3_bucket.pass_bucket", "(region)", PLAN_UNKNOWN)}


def test_a_value_that_follows_a_region_from_the_environment_is_explained_only_with_that_reason():
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:1.8.0-cpu-py3"
    from_environment = Unknown(
        "the provider's region is not set in the configuration (taken from the environment at plan time)"
    )
    planned = stack(model(primary_container=[{"image": image}]))
    comparison = compare(stack(model(primary_container=[{"image": from_environment}])), planned)
    assert comparison.differences == []
    assert [kind for _, kind in comparison.explained] == ["only the plan knows: the provider's region from the "
                                                          "environment"]
    later = Unknown("data.aws_ecr_repository.x.repository_url is known only after apply")
    assert found(stack(model(primary_container=[{"image": later}])), planned) == {
        ("aws_sagemaker_model.pass_model", "primary_container[0].image", SOURCE_UNKNOWN)
    }


def test_recording_what_the_rules_read_leaves_the_stack_as_it_was():
    the_stack = stack(model(tags={"team": "a"}))
    before = copy.deepcopy(the_stack.resources[0].attributes)
    reads = rule_reads(the_stack)
    assert type(the_stack.resources[0].attributes) is dict
    assert the_stack.resources[0].attributes == before
    assert the_stack.resources[0].derived == {}
    places = reads.places["aws_sagemaker_model.pass_model"]
    assert ("enable_network_isolation",) in places and ("primary_container", 0, "image") in places
    assert ("tags",) not in places
