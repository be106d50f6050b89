"""CKV_MLM_007: SageMaker resources are in a region that supports Marketplace publishing."""

from __future__ import annotations

from mlmarket import limits
from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.rules import get_rule
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_007"
MODEL = "aws_sagemaker_model"
ENDPOINT_CONFIG = "aws_sagemaker_endpoint_configuration"


def test_publishing_regions():
    results = judge(
        RULE,
        stack(
            resource(MODEL, "pass_us_east_1", region="us-east-1"),
            resource(MODEL, "pass_sa_east_1", region="sa-east-1"),
            resource(MODEL, "fail_opt_in_region", region="af-south-1"),
            resource(ENDPOINT_CONFIG, "fail_opt_in_region", region="me-south-1"),
            resource("aws_sagemaker_pipeline", "fail_china", region="cn-north-1"),
            resource("awscc_sagemaker_model_package", "fail_govcloud", region="us-gov-west-1"),
            resource("aws_sagemaker_algorithm", "pass_v6_algorithm", region="eu-west-1"),
            resource(MODEL, "unknown_region", region=Unknown("provider aws.x sets no region")),
            resource(
                "aws_sagemaker_prebuilt_ecr_image", "data_source_is_out_of_scope", region="af-south-1", mode="data"
            ),
            resource("aws_s3_bucket", "not_sagemaker", region="af-south-1"),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{MODEL}.pass_us_east_1": Verdict.PASSED,
        f"{MODEL}.pass_sa_east_1": Verdict.PASSED,
        f"{MODEL}.fail_opt_in_region": Verdict.FAILED,
        f"{ENDPOINT_CONFIG}.fail_opt_in_region": Verdict.FAILED,
        "aws_sagemaker_pipeline.fail_china": Verdict.FAILED,
        "awscc_sagemaker_model_package.fail_govcloud": Verdict.FAILED,
        "aws_sagemaker_algorithm.pass_v6_algorithm": Verdict.PASSED,
        f"{MODEL}.unknown_region": Verdict.UNKNOWN,
    }
    assert results[f"{MODEL}.fail_opt_in_region"].message == (
        f"af-south-1 is not one of the {len(limits.publishing_regions())} regions AWS Marketplace publishes "
        "machine learning products from"
    )
    assert results[f"{MODEL}.unknown_region"].message == (
        "the region of this resource is unknown: provider aws.x sets no region"
    )
    assert results[f"{MODEL}.pass_us_east_1"].message == "us-east-1 supports Marketplace publishing"


def test_a_data_source_of_an_in_scope_type_is_not_judged():
    results = judge(RULE, stack(resource(MODEL, "existing", region="af-south-1", mode="data")))
    assert results == {}


def test_every_publishing_region_passes():
    results = judge(
        RULE,
        stack(
            *(
                resource(MODEL, region.replace("-", "_"), region=region)
                for region in sorted(limits.publishing_regions())
            )
        ),
    )
    assert {r.verdict for r in results.values()} == {Verdict.PASSED}
    assert len(results) == len(limits.publishing_regions())


def test_scope_is_the_sagemaker_resources():
    types = get_rule(RULE).metadata.resource_types
    assert all(t.startswith(("aws_sagemaker_", "awscc_sagemaker_")) for t in types)
    assert {
        "aws_sagemaker_model",
        "aws_sagemaker_endpoint_configuration",
        "aws_sagemaker_pipeline",
        "aws_sagemaker_training_job",
        "awscc_sagemaker_model_package",
        "awscc_sagemaker_algorithm",
    } <= set(types)


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


def test_example_aws5_directory_and_plan():
    expected = {
        "PASSED": {f"{MODEL}.pass_publishing_region", f"{ENDPOINT_CONFIG}.pass_publishing_region"},
        "FAILED": {f"{MODEL}.fail_opt_in_region", f"{ENDPOINT_CONFIG}.fail_opt_in_region"},
    }
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == expected
    assert example_verdicts(directory / "plan.json") == expected


def test_example_aws6_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws6") == {
        "PASSED": {f"{MODEL}.pass_provider_region"},
        "FAILED": {f"{MODEL}.fail_region_argument_opt_in", f"{ENDPOINT_CONFIG}.fail_region_argument_opt_in"},
    }
