"""Fuzzing: arbitrary JSON-like input to the plan loader, the pipeline reader, the expression evaluator and
every rule. Allowed outcomes: a stack, verdicts, or the documented InputError; never another exception.

The number of examples is bounded for CI; raise it with MLMARKET_FUZZ_EXAMPLES=5000 on demand.
"""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlmarket.errors import InputError
from mlmarket.model import Finding, Stack, Unknown
from mlmarket.model.pipeline import pipeline_steps
from mlmarket.readers.plan_json import build_stack, check_plan_shape
from mlmarket.rules import all_rules
from mlmarket.terraform.evaluator import EvaluationError, evaluate
from mlmarket.terraform.syntax import parse_expression

from support import resource, stack

EXAMPLES_PER_TEST = int(os.environ.get("MLMARKET_FUZZ_EXAMPLES", "60"))
fuzz = settings(
    max_examples=EXAMPLES_PER_TEST,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["100", "true", "All", "ml.g5.xlarge", "Vpc", "111122223333.dkr.ecr.us-east-1.amazonaws.com/m:1"])
)
keys = st.sampled_from(
    [
        "enable_network_isolation",
        "primary_container",
        "container",
        "containers",
        "image",
        "image_config",
        "repository_access_mode",
        "production_variants",
        "serverless_config",
        "async_inference_config",
        "instance_type",
        "volume_size_in_gb",
        "validation_specification",
        "validation_profiles",
        "transform_job_definition",
        "max_payload_in_mb",
        "max_concurrent_transforms",
        "stopping_condition",
        "max_wait_time_in_seconds",
        "max_runtime_in_seconds",
        "enable_managed_spot_training",
        "certify_for_marketplace",
        "inference_specification",
        "supported_realtime_inference_instance_types",
        "model_data_url",
        "source_algorithm_specification",
        "source_algorithms",
        "algorithm_name",
        "pipeline_definition",
        "training_job_definition",
        "resource_config",
        "model_package_group_name",
        "skip_model_validation",
    ]
) | st.text(max_size=12)
json_like = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=30,
)
values_with_unknowns = st.recursive(
    scalars | st.just(Unknown("fuzzed unknown")),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=30,
)


@fuzz
@given(json_like)
def test_plan_loader_accepts_or_rejects_cleanly(document):
    try:
        check_plan_shape(document, "fuzz.json")
    except InputError:
        return
    assert isinstance(build_stack(document, "fuzz.json"), Stack)


plan_like = st.fixed_dictionaries(
    {
        "format_version": st.just("1.2"),
        "resource_changes": st.lists(
            st.fixed_dictionaries(
                {
                    "address": st.sampled_from(["aws_sagemaker_model.m", "module.a.aws_s3_bucket.b[0]", "x"]),
                    "type": st.sampled_from(["aws_sagemaker_model", "aws_s3_bucket", "aws_sagemaker_pipeline"])
                    | scalars,
                    "mode": st.sampled_from(["managed", "data"]) | scalars,
                    "change": st.dictionaries(
                        st.sampled_from(["actions", "after", "after_unknown", "after_sensitive"]), json_like, max_size=4
                    ),
                }
            ),
            max_size=4,
        ),
        "configuration": st.dictionaries(st.sampled_from(["provider_config", "root_module"]), json_like, max_size=2),
        "variables": json_like,
    }
)


@fuzz
@given(plan_like)
def test_plan_shaped_documents_build_stacks(document):
    check_plan_shape(document, "fuzz.json")
    assert isinstance(build_stack(document, "fuzz.json"), Stack)


@fuzz
@given(st.one_of(json_like, st.text(max_size=200), json_like.map(lambda v: {"Steps": v})))
def test_pipeline_reader_returns_steps_or_unknown(definition):
    found = pipeline_steps(resource("aws_sagemaker_pipeline", "p", {"pipeline_definition": definition}))
    assert isinstance(found, (list, Unknown))


@fuzz
@given(st.text(max_size=120))
def test_expression_parser_and_evaluator_raise_only_their_errors(text):
    """Any text is a value, an input error (syntax) or an evaluation error (Terraform refuses it): never a crash."""
    with contextlib.suppress(InputError, EvaluationError):
        evaluate(parse_expression(text))


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.metadata.id)
def test_every_rule_returns_a_verdict_on_arbitrary_attributes(rule):
    @fuzz
    @given(
        st.sampled_from(rule.metadata.resource_types),
        st.dictionaries(keys, values_with_unknowns, max_size=6),
        st.sampled_from(["us-east-1", "af-south-1", Unknown("fuzzed region")]),
        st.sampled_from([None, "111122223333"]),
    )
    def check(resource_type, attributes, region, seller):
        subject = resource(resource_type, "fuzzed", attributes, region=region)
        outcome = rule.evaluate(subject, stack(subject, seller=seller))
        assert outcome is None or isinstance(outcome, Finding)

    check()
