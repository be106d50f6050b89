"""CKV_MLM_006: one region for the whole publishing stack."""

from __future__ import annotations

from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.rules import get_rule
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_006"
MODEL = "aws_sagemaker_model"
ENDPOINT_CONFIG = "aws_sagemaker_endpoint_configuration"
REPOSITORY = "aws_ecr_repository"
BUCKET = "aws_s3_bucket"
EAST, WEST = "us-east-1", "us-west-2"


def test_majority_region_counts_each_instance():
    # One model with three instances in us-east-1 outvotes two SageMaker resources in us-west-2.
    results = judge(
        RULE,
        stack(
            *(resource(MODEL, f"pass_counted_east[{i}]", region=EAST) for i in range(3)),
            resource(MODEL, "fail_west_model", region=WEST),
            resource(ENDPOINT_CONFIG, "fail_west_endpoint_configuration", region=WEST),
            resource(REPOSITORY, "pass_east_repository", region=EAST),
            resource(REPOSITORY, "fail_west_repository", region=WEST),
            resource("aws_ecr_lifecycle_policy", "fail_west_lifecycle", region=WEST),
            resource(BUCKET, "pass_east_bucket", region=EAST),
            resource("aws_s3_bucket_versioning", "fail_west_versioning", region=WEST),
            resource("aws_s3_object", "fail_west_object", region=WEST),
            resource("awscc_s3_bucket", "fail_west_cc_bucket", region=WEST),
            resource("awscc_ecr_repository", "pass_east_cc_repository", region=EAST),
            resource("awscc_sagemaker_model_package", "pass_east_cc_package", region=EAST),
            resource(BUCKET, "unknown_region", region=Unknown("provider aws.x sets no region")),
            resource(BUCKET, "west_data_source_is_out_of_scope", region=WEST, mode="data"),
            resource("aws_iam_role", "west_role_is_out_of_scope", region=WEST),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{MODEL}.pass_counted_east[0]": Verdict.PASSED,
        f"{MODEL}.pass_counted_east[1]": Verdict.PASSED,
        f"{MODEL}.pass_counted_east[2]": Verdict.PASSED,
        f"{MODEL}.fail_west_model": Verdict.FAILED,
        f"{ENDPOINT_CONFIG}.fail_west_endpoint_configuration": Verdict.FAILED,
        f"{REPOSITORY}.pass_east_repository": Verdict.PASSED,
        f"{REPOSITORY}.fail_west_repository": Verdict.FAILED,
        "aws_ecr_lifecycle_policy.fail_west_lifecycle": Verdict.FAILED,
        f"{BUCKET}.pass_east_bucket": Verdict.PASSED,
        "aws_s3_bucket_versioning.fail_west_versioning": Verdict.FAILED,
        "aws_s3_object.fail_west_object": Verdict.FAILED,
        "awscc_s3_bucket.fail_west_cc_bucket": Verdict.FAILED,
        "awscc_ecr_repository.pass_east_cc_repository": Verdict.PASSED,
        "awscc_sagemaker_model_package.pass_east_cc_package": Verdict.PASSED,
        f"{BUCKET}.unknown_region": Verdict.UNKNOWN,
    }
    assert results[f"{REPOSITORY}.fail_west_repository"].message == (
        "this resource is in us-west-2, not in the publishing region us-east-1 "
        "(the region of most SageMaker resources, 4 of 6)"
    )
    assert results[f"{BUCKET}.unknown_region"].message == (
        "the region of this resource is unknown: provider aws.x sets no region"
    )
    assert results[f"{BUCKET}.pass_east_bucket"].message == "this resource is in the publishing region us-east-1"


def test_configured_publishing_region_wins_over_the_majority():
    results = judge(
        RULE,
        stack(
            *(resource(MODEL, f"fail_east_majority[{i}]", region=EAST) for i in range(5)),
            resource(BUCKET, "pass_west_bucket", region=WEST),
            publishing_region=WEST,
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        **{f"{MODEL}.fail_east_majority[{i}]": Verdict.FAILED for i in range(5)},
        f"{BUCKET}.pass_west_bucket": Verdict.PASSED,
    }
    assert results[f"{MODEL}.fail_east_majority[4]"].message == (
        "this resource is in us-east-1, not in the publishing region us-west-2 (the configured publishing_region)"
    )


def test_tie_goes_to_the_default_provider_region_else_the_first_by_name():
    tied = (resource(MODEL, "east", region=EAST), resource(MODEL, "west", region=WEST))
    by_default = judge(RULE, stack(*tied, default_region=WEST))
    assert {a: r.verdict for a, r in by_default.items()} == {
        f"{MODEL}.east": Verdict.FAILED,
        f"{MODEL}.west": Verdict.PASSED,
    }
    assert by_default[f"{MODEL}.east"].message == (
        "this resource is in us-east-1, not in the publishing region us-west-2 "
        "(tied at 1 of 2 SageMaker resources; the default provider's region breaks the tie)"
    )
    by_name = judge(RULE, stack(*tied, default_region="eu-west-1"))
    assert by_name[f"{MODEL}.west"].message == (
        "this resource is in us-west-2, not in the publishing region us-east-1 "
        "(tied at 1 of 2 SageMaker resources; the first by name breaks the tie)"
    )


def test_without_sagemaker_resources_the_default_provider_region_is_the_reference():
    results = judge(
        RULE,
        stack(resource(BUCKET, "pass_default_region", region=EAST), resource(BUCKET, "fail_other_region", region=WEST)),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{BUCKET}.pass_default_region": Verdict.PASSED,
        f"{BUCKET}.fail_other_region": Verdict.FAILED,
    }
    assert results[f"{BUCKET}.fail_other_region"].message == (
        "this resource is in us-west-2, not in the publishing region us-east-1 "
        "(the default provider's region; no SageMaker resource has a known region)"
    )


def test_a_sagemaker_resource_of_unknown_region_leaves_the_majority_unknown():
    """Issue 16 item 6: a SageMaker resource whose region is unknown is a vote that could go anywhere: where it
    could change which region holds most, the publishing region is not known (it was the default's, a guess)."""
    unknown_region = Unknown("var.region has no value in the configuration")
    results = judge(
        RULE,
        stack(
            resource(BUCKET, "unknown_default_region", region=EAST),
            resource(BUCKET, "unknown_other_region", region=WEST),
            resource(MODEL, "unknown_model_region", region=unknown_region),
        ),
    )
    doubt = (
        "the publishing region is not certain: 1 SageMaker resource(s) of unknown region could change which region "
        f"holds most ({MODEL}.unknown_model_region: var.region has no value in the configuration); set "
        "`publishing_region` in .mlmarket.yaml or --publishing-region"
    )
    assert {a: (r.verdict, r.message) for a, r in results.items()} == {
        f"{BUCKET}.unknown_default_region": (Verdict.UNKNOWN, doubt),
        f"{BUCKET}.unknown_other_region": (Verdict.UNKNOWN, doubt),
        f"{MODEL}.unknown_model_region": (
            Verdict.UNKNOWN, "the region of this resource is unknown: var.region has no value in the configuration"
        ),
    }
    certain = judge(
        RULE,
        stack(
            resource(MODEL, "pass_east_1", region=EAST),
            resource(MODEL, "pass_east_2", region=EAST),
            resource(MODEL, "fail_west", region=WEST),
            resource(MODEL, "unknown_model_region", region=unknown_region),
        ),
    )  # 2 to 1, and one unknown vote: us-east-1 holds most, or ties and wins as the default provider's region
    assert {a: r.verdict for a, r in certain.items()} == {
        f"{MODEL}.pass_east_1": Verdict.PASSED,
        f"{MODEL}.pass_east_2": Verdict.PASSED,
        f"{MODEL}.fail_west": Verdict.FAILED,
        f"{MODEL}.unknown_model_region": Verdict.UNKNOWN,
    }


def test_no_reference_region_is_unknown():
    results = judge(RULE, stack(resource(BUCKET, "unknown_reference", region=EAST), default_region=None))
    assert {a: r.verdict for a, r in results.items()} == {f"{BUCKET}.unknown_reference": Verdict.UNKNOWN}
    assert results[f"{BUCKET}.unknown_reference"].message == (
        "the publishing region is unknown: no SageMaker resource has a known region and the default aws "
        "provider sets none; set `publishing_region` in .mlmarket.yaml or --publishing-region"
    )


def test_scope_is_sagemaker_ecr_and_s3_only():
    types = get_rule(RULE).metadata.resource_types
    assert all(
        t.startswith(("aws_sagemaker_", "awscc_sagemaker_", "aws_ecr_", "awscc_ecr_", "aws_s3_", "awscc_s3_"))
        for t in types
    )
    assert {
        "aws_sagemaker_model",
        "aws_sagemaker_pipeline",
        "aws_sagemaker_algorithm",
        "awscc_sagemaker_model",
        "aws_ecr_repository",
        "aws_ecr_repository_policy",
        "aws_s3_bucket",
        "aws_s3_bucket_policy",
        "aws_s3_object",
    } <= set(types)
    assert len(types) == len(set(types))


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


def test_example_aws5_directory_and_plan():
    expected = {
        "PASSED": {f"{MODEL}.pass_east_counted", f"{REPOSITORY}.pass_east_repository", f"{BUCKET}.pass_east_bucket"},
        "FAILED": {
            f"{MODEL}.fail_west_model",
            f"{ENDPOINT_CONFIG}.fail_west_endpoint_configuration",
            f"{REPOSITORY}.fail_west_repository",
            f"{BUCKET}.fail_west_bucket",
        },
    }
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == expected
    assert example_verdicts(directory / "plan.json") == expected
