"""CKV_MLM_010: batch transform payload within the 100 MB batch limit."""

from __future__ import annotations

import json

from mlmarket import limits
from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_010"
CC_PACKAGE = "awscc_sagemaker_model_package"
ALGORITHM = "aws_sagemaker_algorithm"
CC_ALGORITHM = "awscc_sagemaker_algorithm"
PIPELINE = "aws_sagemaker_pipeline"


def cc_package(name, resource_type=CC_PACKAGE, **transform):
    """An awscc package or algorithm: object attributes, one validation profile 'p1'."""
    profile = {"profile_name": "p1", "transform_job_definition": {"transform_resources": {}, **transform}}
    return resource(resource_type, name, {"validation_specification": {"validation_profiles": [profile]}})


def algorithm(name, **transform):
    """An aws (provider v6) algorithm: nested blocks as lists of dicts."""
    profile = {"profile_name": "p1", "transform_job_definition": [{"transform_resources": [{}], **transform}]}
    return resource(ALGORITHM, name, {"validation_specification": [{"validation_profiles": [profile]}]})


def pipeline(name, *steps):
    return resource(
        PIPELINE, name, {"pipeline_definition": json.dumps({"Version": "2020-12-01", "Steps": list(steps)})}
    )


def transform(name="BatchTransform", **arguments):
    return {"Name": name, "Type": "Transform", "Arguments": {"ModelName": "m", **arguments}}


def test_the_limit_comes_from_the_limits_library():
    assert limits.BATCH_MAX_PAYLOAD_MB == 100


def test_validation_transform_jobs_of_packages_and_algorithms():
    results = judge(
        RULE,
        stack(
            cc_package("pass_at_limit", max_payload_in_mb=100),
            cc_package("fail_one_past_limit", max_payload_in_mb=101),
            cc_package("fail_fraction_past_limit", max_payload_in_mb=100.5),
            cc_package("pass_payload_omitted"),
            cc_package("pass_string_at_limit", max_payload_in_mb="100"),
            cc_package("fail_string_one_past_limit", max_payload_in_mb="101"),
            cc_package("pass_concurrent_at_limit", max_concurrent_transforms=4, max_payload_in_mb=25),
            cc_package("fail_concurrent_over_limit", max_concurrent_transforms=2, max_payload_in_mb=60),
            cc_package("fail_concurrent_strings_over_limit", max_concurrent_transforms="2", max_payload_in_mb="51"),
            # With the payload omitted SageMaker applies its 6 MB default: 16 x 6 = 96, 17 x 6 = 102.
            cc_package("pass_concurrent_default_payload", max_concurrent_transforms=16),
            cc_package("fail_concurrent_default_payload", max_concurrent_transforms=17),
            cc_package("unknown_payload", max_payload_in_mb=Unknown("known only after apply")),
            cc_package("unknown_payload_not_a_number", max_payload_in_mb="lots"),
            cc_package(
                "unknown_concurrency", max_concurrent_transforms=Unknown("var.n has no value"), max_payload_in_mb=50
            ),
            cc_package("pass_awscc_algorithm", CC_ALGORITHM, max_payload_in_mb=100),
            cc_package("fail_awscc_algorithm", CC_ALGORITHM, max_payload_in_mb=101),
            algorithm("pass_aws_algorithm_at_limit", max_concurrent_transforms=1, max_payload_in_mb=100),
            algorithm("fail_aws_algorithm_one_past_limit", max_payload_in_mb=101),
            resource(CC_PACKAGE, "pass_no_validation_specification", {"certify_for_marketplace": True}),
            resource(
                CC_PACKAGE,
                "pass_training_profile_only",
                {
                    "validation_specification": {
                        "validation_profiles": [{"profile_name": "p1", "training_job_definition": {}}]
                    }
                },
            ),
            resource(
                CC_PACKAGE,
                "unknown_validation_specification",
                {"validation_specification": Unknown("known only after apply")},
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{CC_PACKAGE}.pass_at_limit": Verdict.PASSED,
        f"{CC_PACKAGE}.fail_one_past_limit": Verdict.FAILED,
        f"{CC_PACKAGE}.fail_fraction_past_limit": Verdict.FAILED,
        f"{CC_PACKAGE}.pass_payload_omitted": Verdict.PASSED,
        f"{CC_PACKAGE}.pass_string_at_limit": Verdict.PASSED,
        f"{CC_PACKAGE}.fail_string_one_past_limit": Verdict.FAILED,
        f"{CC_PACKAGE}.pass_concurrent_at_limit": Verdict.PASSED,
        f"{CC_PACKAGE}.fail_concurrent_over_limit": Verdict.FAILED,
        f"{CC_PACKAGE}.fail_concurrent_strings_over_limit": Verdict.FAILED,
        f"{CC_PACKAGE}.pass_concurrent_default_payload": Verdict.PASSED,
        f"{CC_PACKAGE}.fail_concurrent_default_payload": Verdict.FAILED,
        f"{CC_PACKAGE}.unknown_payload": Verdict.UNKNOWN,
        f"{CC_PACKAGE}.unknown_payload_not_a_number": Verdict.UNKNOWN,
        f"{CC_PACKAGE}.unknown_concurrency": Verdict.UNKNOWN,
        f"{CC_ALGORITHM}.pass_awscc_algorithm": Verdict.PASSED,
        f"{CC_ALGORITHM}.fail_awscc_algorithm": Verdict.FAILED,
        f"{ALGORITHM}.pass_aws_algorithm_at_limit": Verdict.PASSED,
        f"{ALGORITHM}.fail_aws_algorithm_one_past_limit": Verdict.FAILED,
        f"{CC_PACKAGE}.pass_no_validation_specification": Verdict.PASSED,
        f"{CC_PACKAGE}.pass_training_profile_only": Verdict.PASSED,
        f"{CC_PACKAGE}.unknown_validation_specification": Verdict.UNKNOWN,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_one_past_limit"] == (
        "validation profile 'p1' transform_job_definition max_payload_in_mb is 101, over the 100 MB batch limit"
    )
    assert messages["fail_fraction_past_limit"] == (
        "validation profile 'p1' transform_job_definition max_payload_in_mb is 100.5, over the 100 MB batch limit"
    )
    assert messages["fail_concurrent_over_limit"] == (
        "validation profile 'p1' transform_job_definition max_concurrent_transforms x max_payload_in_mb is "
        "2 x 60 = 120 MB, over the 100 MB batch limit"
    )
    assert messages["fail_concurrent_default_payload"] == (
        "validation profile 'p1' transform_job_definition max_concurrent_transforms x max_payload_in_mb is "
        "17 x 6 (SageMaker's default max_payload_in_mb) = 102 MB, over the 100 MB batch limit"
    )
    assert messages["unknown_payload"] == (
        "validation profile 'p1' transform_job_definition max_payload_in_mb cannot be checked against the "
        "100 MB batch limit: known only after apply"
    )
    assert messages["unknown_payload_not_a_number"] == (
        "validation profile 'p1' transform_job_definition max_payload_in_mb cannot be checked against the "
        "100 MB batch limit: 'lots' is not a number"
    )
    assert messages["unknown_concurrency"] == (
        "validation profile 'p1' transform_job_definition max_concurrent_transforms x max_payload_in_mb cannot "
        "be checked against the 100 MB batch limit: var.n has no value"
    )
    assert messages["unknown_validation_specification"] == (
        "validation_specification cannot be read before apply: known only after apply"
    )
    assert messages["pass_no_validation_specification"] == "no batch transform validation profile"
    assert messages["pass_training_profile_only"] == "no batch transform validation profile"
    assert messages["pass_at_limit"] == "every validation transform job stays within the 100 MB batch limit"


def test_every_profile_is_judged_and_an_unnamed_profile_is_named_by_its_path():
    profiles = [
        {"profile_name": "small", "transform_job_definition": {"max_payload_in_mb": 10}},
        {"transform_job_definition": {"max_payload_in_mb": 200}},
    ]
    results = judge(
        RULE,
        stack(
            resource(CC_PACKAGE, "fail_second_profile", {"validation_specification": {"validation_profiles": profiles}})
        ),
    )
    assert {a: (r.verdict, r.message) for a, r in results.items()} == {
        f"{CC_PACKAGE}.fail_second_profile": (
            Verdict.FAILED,
            "validation_specification.validation_profiles[1] transform_job_definition max_payload_in_mb is 200, "
            "over the 100 MB batch limit",
        ),
    }


def test_pipeline_transform_steps():
    results = judge(
        RULE,
        stack(
            pipeline("pass_at_limit", transform(MaxPayloadInMB=100)),
            pipeline("fail_one_past_limit", transform(MaxPayloadInMB=101)),
            pipeline("pass_omitted", transform()),
            pipeline("pass_string_at_limit", transform(MaxPayloadInMB="100")),
            pipeline("pass_concurrent_at_limit", transform(MaxConcurrentTransforms=4, MaxPayloadInMB=25)),
            pipeline("fail_concurrent_over_limit", transform(MaxConcurrentTransforms=2, MaxPayloadInMB=60)),
            pipeline("unknown_payload_parameter", transform(MaxPayloadInMB={"Get": "Parameters.Payload"})),
            pipeline(
                "fail_second_transform_step",
                transform("Small", MaxPayloadInMB=10),
                transform("Large", MaxPayloadInMB=101),
            ),
            pipeline("no_transform_step", {"Name": "Train", "Type": "Training", "Arguments": {}}),
            resource(
                PIPELINE,
                "unknown_definition_in_s3",
                {"pipeline_definition_s3_location": [{"bucket": "b", "object_key": "k"}]},
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PIPELINE}.pass_at_limit": Verdict.PASSED,
        f"{PIPELINE}.fail_one_past_limit": Verdict.FAILED,
        f"{PIPELINE}.pass_omitted": Verdict.PASSED,
        f"{PIPELINE}.pass_string_at_limit": Verdict.PASSED,
        f"{PIPELINE}.pass_concurrent_at_limit": Verdict.PASSED,
        f"{PIPELINE}.fail_concurrent_over_limit": Verdict.FAILED,
        f"{PIPELINE}.unknown_payload_parameter": Verdict.UNKNOWN,
        f"{PIPELINE}.fail_second_transform_step": Verdict.FAILED,
        f"{PIPELINE}.unknown_definition_in_s3": Verdict.UNKNOWN,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_one_past_limit"] == (
        "step 'BatchTransform' (Transform) MaxPayloadInMB is 101, over the 100 MB batch limit"
    )
    assert messages["fail_concurrent_over_limit"] == (
        "step 'BatchTransform' (Transform) MaxConcurrentTransforms x MaxPayloadInMB is 2 x 60 = 120 MB, "
        "over the 100 MB batch limit"
    )
    assert messages["fail_second_transform_step"] == (
        "step 'Large' (Transform) MaxPayloadInMB is 101, over the 100 MB batch limit"
    )
    assert messages["unknown_payload_parameter"] == (
        "step 'BatchTransform' (Transform) MaxPayloadInMB cannot be checked against the 100 MB batch limit: "
        "pipeline expression {Get: 'Parameters.Payload'} is resolved only when the pipeline runs"
    )
    assert messages["unknown_definition_in_s3"] == (
        "the pipeline steps cannot be read: the pipeline definition is stored in S3 and cannot be read from Terraform"
    )
    assert messages["pass_at_limit"] == "every Transform step stays within the 100 MB batch limit"


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


AWS5_EXPECTED = {
    "PASSED": {
        f"{PIPELINE}.pass_transform_payload_at_limit",
        f"{PIPELINE}.pass_transform_concurrent_payload_at_limit",
        f"{PIPELINE}.pass_transform_payload_omitted",
    },
    "FAILED": {
        f"{PIPELINE}.fail_transform_payload_one_past_limit",
        f"{PIPELINE}.fail_transform_concurrent_payload_over_limit",
    },
    "UNKNOWN": {f"{PIPELINE}.unknown_transform_payload_parameter"},
}


def test_example_aws5_directory_and_plan():
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == AWS5_EXPECTED
    assert example_verdicts(directory / "plan.json") == AWS5_EXPECTED


def test_example_aws6_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws6") == {
        "PASSED": {f"{ALGORITHM}.pass_payload_at_limit", f"{ALGORITHM}.pass_concurrent_payload_at_limit"},
        "FAILED": {f"{ALGORITHM}.fail_payload_one_past_limit", f"{ALGORITHM}.fail_concurrent_payload_over_limit"},
    }


def test_example_awscc_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "awscc") == {
        "PASSED": {
            f"{CC_PACKAGE}.pass_payload_at_limit",
            f"{CC_PACKAGE}.pass_concurrent_payload_at_limit",
            f"{CC_PACKAGE}.pass_payload_omitted",
        },
        "FAILED": {f"{CC_PACKAGE}.fail_payload_one_past_limit", f"{CC_PACKAGE}.fail_concurrent_payload_over_limit"},
    }
