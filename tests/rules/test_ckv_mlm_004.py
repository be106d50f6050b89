"""CKV_MLM_004: each container image is in the region of the resource that uses it."""

from __future__ import annotations

import json

from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, SELLER, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_004"
MODEL = "aws_sagemaker_model"
TRAINING = "aws_sagemaker_training_job"
PIPELINE = "aws_sagemaker_pipeline"
OWN_REGION = "SageMaker pulls images only from ECR in its own region"


def image(region, host="dkr.ecr", suffix="amazonaws.com"):
    return f"{SELLER}.{host}.{region}.{suffix}/my-model:1.0"


def model(name, *images, region="us-east-1"):
    return resource(MODEL, name, {"container": [{"image": i} for i in images]}, region=region)


def reference(address):
    return Unknown(f"`{address}` is only known at apply time", (address,))


def test_image_region_against_resource_region():
    results = judge(
        RULE,
        stack(
            resource("aws_ecr_repository", "east", {"name": "a"}),
            resource("aws_ecr_repository", "west", {"name": "b"}, region="us-west-2"),
            resource("aws_ecr_repository", "unknown_region", {"name": "c"}, region=Unknown("var.region has no value")),
            resource(
                "aws_sagemaker_prebuilt_ecr_image",
                "west_xgboost",
                {"repository_name": "sagemaker-xgboost"},
                mode="data",
                region="us-west-2",
            ),
            model("pass_same_region", image("us-east-1")),
            model("fail_other_region", image("us-west-2")),
            model("pass_west_resource_west_image", image("us-west-2"), region="us-west-2"),
            model("fail_west_resource_east_image", image("us-east-1"), region="us-west-2"),
            model("pass_fips", image("us-east-1", host="dkr.ecr-fips")),
            model("pass_dual_stack", image("us-east-1", host="dkr-ecr", suffix="on.aws")),
            model("fail_dual_stack_other_region", image("eu-west-1", host="dkr-ecr", suffix="on.aws")),
            model("pass_china", image("cn-north-1", suffix="amazonaws.com.cn"), region="cn-north-1"),
            model("fail_second_container", image("us-east-1"), image("eu-west-1")),
            model("pass_in_config_repository", reference("aws_ecr_repository.east.repository_url")),
            model("fail_in_config_repository_other_region", reference("aws_ecr_repository.west.repository_url")),
            model("unknown_in_config_repository_region", reference("aws_ecr_repository.unknown_region.repository_url")),
            model(
                "fail_prebuilt_other_region",
                reference("data.aws_sagemaker_prebuilt_ecr_image.west_xgboost.registry_path"),
            ),
            model("unknown_resource_region", image("us-east-1"), region=Unknown("var.region has no value")),
            model("not_ecr", "ghcr.io/acme/model:1"),
            model("not_resolved", Unknown("var.image has no value")),
            resource(
                TRAINING,
                "fail_training_image_other_region",
                {"algorithm_specification": [{"training_image": image("eu-west-1")}]},
            ),
            resource(
                PIPELINE,
                "fail_processing_step_other_region",
                {
                    "pipeline_definition": json.dumps(
                        {
                            "Steps": [
                                {
                                    "Name": "Prepare",
                                    "Type": "Processing",
                                    "Arguments": {"AppSpecification": {"ImageUri": image("us-west-2")}},
                                }
                            ]
                        }
                    )
                },
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{MODEL}.pass_same_region": Verdict.PASSED,
        f"{MODEL}.fail_other_region": Verdict.FAILED,
        f"{MODEL}.pass_west_resource_west_image": Verdict.PASSED,
        f"{MODEL}.fail_west_resource_east_image": Verdict.FAILED,
        f"{MODEL}.pass_fips": Verdict.PASSED,
        f"{MODEL}.pass_dual_stack": Verdict.PASSED,
        f"{MODEL}.fail_dual_stack_other_region": Verdict.FAILED,
        f"{MODEL}.pass_china": Verdict.PASSED,
        f"{MODEL}.fail_second_container": Verdict.FAILED,
        f"{MODEL}.pass_in_config_repository": Verdict.PASSED,
        f"{MODEL}.fail_in_config_repository_other_region": Verdict.FAILED,
        f"{MODEL}.unknown_in_config_repository_region": Verdict.UNKNOWN,
        f"{MODEL}.fail_prebuilt_other_region": Verdict.FAILED,
        f"{MODEL}.unknown_resource_region": Verdict.UNKNOWN,
        f"{TRAINING}.fail_training_image_other_region": Verdict.FAILED,
        f"{PIPELINE}.fail_processing_step_other_region": Verdict.FAILED,
        f"{MODEL}.not_resolved": Verdict.UNKNOWN,  # may be in another region: never no result (fail closed)
    }
    assert results[f"{MODEL}.pass_same_region"].message == "every private ECR image is in the region of the resource"
    assert results[f"{MODEL}.fail_second_container"].message == (
        f"container[1].image is in eu-west-1, but the resource is in us-east-1; {OWN_REGION}"
    )
    assert results[f"{MODEL}.fail_in_config_repository_other_region"].message == (
        f"container[0].image (aws_ecr_repository.west) is in us-west-2, but the resource is in us-east-1; {OWN_REGION}"
    )
    assert results[f"{MODEL}.unknown_in_config_repository_region"].message == (
        "the region of container[0].image (aws_ecr_repository.unknown_region) cannot be resolved: "
        "var.region has no value"
    )
    assert results[f"{MODEL}.unknown_resource_region"].message == (
        "the region of the resource cannot be resolved: var.region has no value"
    )
    assert results[f"{PIPELINE}.fail_processing_step_other_region"].message == (
        f"step 'Prepare' (Processing) AppSpecification.ImageUri is in us-west-2, but the resource is in us-east-1; "
        f"{OWN_REGION}"
    )


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


AWS5_EXPECTED = {
    "PASSED": {
        f"{MODEL}.pass_same_region",
        f"{MODEL}.pass_west_provider_west_image",
        f"{MODEL}.pass_in_config_repository_same_region",
        f"{MODEL}.pass_dual_stack_same_region",
    },
    "FAILED": {
        f"{MODEL}.fail_image_other_region",
        f"{MODEL}.fail_west_provider_east_image",
        f"{MODEL}.fail_in_config_repository_other_region",
        f"{MODEL}.fail_dual_stack_other_region",
    },
}


def test_example_aws5_directory_and_plan():
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == AWS5_EXPECTED
    assert example_verdicts(directory / "plan.json") == AWS5_EXPECTED


def test_example_aws6_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws6") == {
        "PASSED": {f"{MODEL}.pass_region_argument_matches_image", f"{TRAINING}.pass_region_argument_matches_image"},
        "FAILED": {
            f"{MODEL}.fail_region_argument_differs_from_image",
            f"{TRAINING}.fail_provider_region_differs_from_image",
        },
    }
