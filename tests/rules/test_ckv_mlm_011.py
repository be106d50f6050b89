"""CKV_MLM_011: batch transform invocations within the 3600 s batch limit."""

from __future__ import annotations

import json

from mlmarket import limits
from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_011"
PIPELINE = "aws_sagemaker_pipeline"


def pipeline(name, *steps):
    return resource(
        PIPELINE, name, {"pipeline_definition": json.dumps({"Version": "2020-12-01", "Steps": list(steps)})}
    )


def transform(name="BatchTransform", **client_config):
    arguments = {"ModelName": "m", "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}}
    if client_config:
        arguments["ModelClientConfig"] = client_config
    return {"Name": name, "Type": "Transform", "Arguments": arguments}


def test_the_limit_comes_from_the_limits_library():
    assert limits.BATCH_MAX_INVOCATION_SECONDS == 3600


def test_pipeline_transform_steps_at_the_boundaries():
    results = judge(
        RULE,
        stack(
            pipeline("pass_at_limit", transform(InvocationsTimeoutInSeconds=3600)),
            pipeline("fail_one_past_limit", transform(InvocationsTimeoutInSeconds=3601)),
            pipeline("pass_omitted", transform()),
            pipeline("pass_retries_only", transform(InvocationsMaxRetries=3)),
            pipeline("pass_string_at_limit", transform(InvocationsTimeoutInSeconds="3600")),
            pipeline("fail_string_one_past_limit", transform(InvocationsTimeoutInSeconds="3601")),
            pipeline("unknown_parameter", transform(InvocationsTimeoutInSeconds={"Get": "Parameters.Timeout"})),
            pipeline("unknown_not_a_number", transform(InvocationsTimeoutInSeconds="an hour")),
            pipeline(
                "fail_second_step",
                transform("Quick", InvocationsTimeoutInSeconds=60),
                transform("Slow", InvocationsTimeoutInSeconds=7200),
            ),
            pipeline("no_transform_step", {"Name": "Train", "Type": "Training", "Arguments": {}}),
            resource(PIPELINE, "unknown_definition", {"pipeline_definition": Unknown("known only after apply")}),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PIPELINE}.pass_at_limit": Verdict.PASSED,
        f"{PIPELINE}.fail_one_past_limit": Verdict.FAILED,
        f"{PIPELINE}.pass_omitted": Verdict.PASSED,
        f"{PIPELINE}.pass_retries_only": Verdict.PASSED,
        f"{PIPELINE}.pass_string_at_limit": Verdict.PASSED,
        f"{PIPELINE}.fail_string_one_past_limit": Verdict.FAILED,
        f"{PIPELINE}.unknown_parameter": Verdict.UNKNOWN,
        f"{PIPELINE}.unknown_not_a_number": Verdict.UNKNOWN,
        f"{PIPELINE}.fail_second_step": Verdict.FAILED,
        f"{PIPELINE}.unknown_definition": Verdict.UNKNOWN,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_one_past_limit"] == (
        "step 'BatchTransform' (Transform) ModelClientConfig.InvocationsTimeoutInSeconds is 3601, "
        "over the 3600 s batch invocation limit"
    )
    assert messages["fail_second_step"] == (
        "step 'Slow' (Transform) ModelClientConfig.InvocationsTimeoutInSeconds is 7200, "
        "over the 3600 s batch invocation limit"
    )
    assert messages["unknown_parameter"] == (
        "step 'BatchTransform' (Transform) ModelClientConfig.InvocationsTimeoutInSeconds cannot be checked "
        "against the 3600 s batch limit: pipeline expression {Get: 'Parameters.Timeout'} is resolved only when "
        "the pipeline runs"
    )
    assert messages["unknown_not_a_number"] == (
        "step 'BatchTransform' (Transform) ModelClientConfig.InvocationsTimeoutInSeconds cannot be checked "
        "against the 3600 s batch limit: 'an hour' is not a number"
    )
    assert messages["unknown_definition"] == "the pipeline steps cannot be read: known only after apply"
    assert messages["pass_omitted"] == ("every Transform step times out invocations within the 3600 s batch limit")


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


AWS5_EXPECTED = {
    "PASSED": {f"{PIPELINE}.pass_invocation_timeout_at_limit", f"{PIPELINE}.pass_invocation_timeout_omitted"},
    "FAILED": {f"{PIPELINE}.fail_invocation_timeout_one_past_limit"},
    "UNKNOWN": {f"{PIPELINE}.unknown_invocation_timeout_parameter"},
}


def test_example_aws5_directory_and_plan():
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == AWS5_EXPECTED
    assert example_verdicts(directory / "plan.json") == AWS5_EXPECTED
