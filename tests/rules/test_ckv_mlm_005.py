"""CKV_MLM_005: model artifacts and validation inputs in the region of the resource that uses them."""

from __future__ import annotations

import pytest

from mlmarket.model import Unknown, Verdict, strip_instance_keys
from mlmarket.rules._s3_locations import S3Location, parse_s3_uri
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import EXAMPLES, addresses_by_verdict, judge, resource, stack

RULE = "CKV_MLM_005"
MODEL = "aws_sagemaker_model"
CC_MODEL = "awscc_sagemaker_model"
PACKAGE = "awscc_sagemaker_model_package"
ALGORITHM = "aws_sagemaker_algorithm"
IMAGE = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"


def buckets():
    return (
        resource("aws_s3_bucket", "east", {"bucket": "east-bucket"}, region="us-east-1"),
        resource("aws_s3_bucket", "west", {"bucket": "west-bucket"}, region="us-west-2"),
        resource(
            "aws_s3_bucket",
            "somewhere",
            {"bucket": "somewhere-bucket"},
            region=Unknown("var.region has no value in the configuration"),
        ),
        resource("awscc_s3_bucket", "cc_west", {"bucket_name": "cc-west-bucket"}, region="us-west-2"),
        resource("aws_s3_object", "west_model", {"bucket": "west-bucket", "key": "model.tar.gz"}, region="us-west-2"),
        resource("aws_s3_bucket", "external", {"bucket": "data-bucket"}, region="us-west-2", mode="data"),
    )


def model(name, url=None, *, region="us-east-1", **container):
    if url is not None:
        container["model_data_url"] = url
    return resource(MODEL, name, {"primary_container": [{"image": IMAGE, **container}]}, region=region)


def referring(*references):
    return Unknown("`aws_s3_bucket.x.bucket` is only known at apply time", references)


def test_model_artifact_locations():
    results = judge(
        RULE,
        stack(
            *buckets(),
            model("pass_declared_bucket_same_region", "s3://east-bucket/model.tar.gz"),
            model("fail_declared_bucket_other_region", "s3://west-bucket/model.tar.gz"),
            model("pass_referenced_bucket_same_region", referring("aws_s3_bucket.east.bucket")),
            model("fail_referenced_bucket_other_region", referring("aws_s3_bucket.west.bucket")),
            model("fail_awscc_bucket_other_region", "s3://cc-west-bucket/model.tar.gz"),
            model(
                "fail_referenced_object_other_region",
                referring("aws_s3_object.west_model.bucket", "aws_s3_object.west_model.key"),
            ),
            model("pass_virtual_hosted_regional_url", "https://ext.s3.us-east-1.amazonaws.com/model.tar.gz"),
            model("fail_path_style_regional_url", "https://s3.us-west-2.amazonaws.com/ext/model.tar.gz"),
            model("fail_dualstack_url", "https://ext.s3.dualstack.eu-west-1.amazonaws.com/model.tar.gz"),
            model("fail_legacy_dash_url", "https://ext.s3-us-west-2.amazonaws.com/model.tar.gz"),
            model("fail_url_region_beats_declared_bucket", "https://east-bucket.s3.us-west-2.amazonaws.com/m.tar.gz"),
            model("pass_global_url_declared_bucket", "https://east-bucket.s3.amazonaws.com/model.tar.gz"),
            model("unknown_global_url_undeclared_bucket", "https://ext.s3.amazonaws.com/model.tar.gz"),
            model("unknown_bucket_not_declared", "s3://ext/model.tar.gz"),
            model("unknown_data_source_bucket", referring("data.aws_s3_bucket.external.bucket")),
            model("unknown_unresolved_variable", Unknown("var.artifacts has no value in the configuration")),
            model("unknown_bucket_region_unknown", "s3://somewhere-bucket/model.tar.gz"),
            model(
                "unknown_model_region", "s3://east-bucket/model.tar.gz", region=Unknown("provider aws.x sets no region")
            ),
            model("unknown_not_an_s3_url", "https://example.com/model.tar.gz"),
            model("pass_no_artifacts"),
            model(
                "pass_model_data_source_same_region",
                model_data_source=[{"s3_data_source": [{"s3_uri": "s3://east-bucket/model/"}]}],
            ),
            model(
                "fail_model_data_source_other_region",
                model_data_source=[{"s3_data_source": [{"s3_uri": "s3://west-bucket/model/"}]}],
            ),
            model("unknown_model_data_source_block", model_data_source=Unknown("`model_data_source` is dynamic")),
            resource(
                MODEL,
                "fail_second_container",
                {
                    "container": [
                        {"image": IMAGE, "model_data_url": "s3://east-bucket/a.tar.gz"},
                        {"image": IMAGE, "model_data_url": "s3://west-bucket/b.tar.gz"},
                    ]
                },
            ),
            resource(
                MODEL,
                "fail_beats_unknown",
                {
                    "container": [
                        {"image": IMAGE, "model_data_url": "s3://ext/a.tar.gz"},
                        {"image": IMAGE, "model_data_url": "s3://west-bucket/b.tar.gz"},
                    ]
                },
            ),
            resource(
                CC_MODEL,
                "pass_awscc_object_container",
                {"primary_container": {"image": IMAGE, "model_data_url": "s3://east-bucket/m.tar.gz"}},
            ),
            resource(
                CC_MODEL,
                "fail_awscc_containers",
                {"containers": [{"image": IMAGE, "model_data_url": "s3://west-bucket/m.tar.gz"}]},
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{MODEL}.pass_declared_bucket_same_region": Verdict.PASSED,
        f"{MODEL}.fail_declared_bucket_other_region": Verdict.FAILED,
        f"{MODEL}.pass_referenced_bucket_same_region": Verdict.PASSED,
        f"{MODEL}.fail_referenced_bucket_other_region": Verdict.FAILED,
        f"{MODEL}.fail_awscc_bucket_other_region": Verdict.FAILED,
        f"{MODEL}.fail_referenced_object_other_region": Verdict.FAILED,
        f"{MODEL}.pass_virtual_hosted_regional_url": Verdict.PASSED,
        f"{MODEL}.fail_path_style_regional_url": Verdict.FAILED,
        f"{MODEL}.fail_dualstack_url": Verdict.FAILED,
        f"{MODEL}.fail_legacy_dash_url": Verdict.FAILED,
        f"{MODEL}.fail_url_region_beats_declared_bucket": Verdict.FAILED,
        f"{MODEL}.pass_global_url_declared_bucket": Verdict.PASSED,
        f"{MODEL}.unknown_global_url_undeclared_bucket": Verdict.UNKNOWN,
        f"{MODEL}.unknown_bucket_not_declared": Verdict.UNKNOWN,
        f"{MODEL}.unknown_data_source_bucket": Verdict.UNKNOWN,
        f"{MODEL}.unknown_unresolved_variable": Verdict.UNKNOWN,
        f"{MODEL}.unknown_bucket_region_unknown": Verdict.UNKNOWN,
        f"{MODEL}.unknown_model_region": Verdict.UNKNOWN,
        f"{MODEL}.unknown_not_an_s3_url": Verdict.UNKNOWN,
        f"{MODEL}.pass_no_artifacts": Verdict.PASSED,
        f"{MODEL}.pass_model_data_source_same_region": Verdict.PASSED,
        f"{MODEL}.fail_model_data_source_other_region": Verdict.FAILED,
        f"{MODEL}.unknown_model_data_source_block": Verdict.UNKNOWN,
        f"{MODEL}.fail_second_container": Verdict.FAILED,
        f"{MODEL}.fail_beats_unknown": Verdict.FAILED,
        f"{CC_MODEL}.pass_awscc_object_container": Verdict.PASSED,
        f"{CC_MODEL}.fail_awscc_containers": Verdict.FAILED,
    }
    messages = {a.split(".", 1)[1]: r.message for a, r in results.items()}
    assert messages["fail_referenced_bucket_other_region"] == (
        "primary_container.model_data_url is in bucket 'west-bucket' in us-west-2 (from aws_s3_bucket.west), "
        "not in us-east-1, the region of this resource"
    )
    assert messages["fail_path_style_regional_url"] == (
        "primary_container.model_data_url is in bucket 'ext' in us-west-2 (from the URL host), "
        "not in us-east-1, the region of this resource"
    )
    assert messages["fail_second_container"] == (
        "container[1].model_data_url is in bucket 'west-bucket' in us-west-2 (from aws_s3_bucket.west), "
        "not in us-east-1, the region of this resource"
    )
    assert messages["unknown_bucket_not_declared"] == (
        "primary_container.model_data_url: bucket 'ext' is not declared in this configuration, so its region is unknown"
    )
    assert messages["unknown_bucket_region_unknown"] == (
        "primary_container.model_data_url: the region of aws_s3_bucket.somewhere is unknown: "
        "var.region has no value in the configuration"
    )
    assert messages["unknown_model_region"] == "the region of this resource is unknown: provider aws.x sets no region"
    assert messages["unknown_not_an_s3_url"] == (
        "primary_container.model_data_url: 'https://example.com/model.tar.gz' is not an S3 URI"
    )
    assert messages["unknown_model_data_source_block"] == (
        "primary_container.model_data_source: the block cannot be read before apply (`model_data_source` is dynamic)"
    )
    assert messages["pass_no_artifacts"] == "sets no S3 model artifact or validation input"
    assert messages["pass_declared_bucket_same_region"] == "every model artifact and validation input is in us-east-1"


def transform_profile(uri):
    return {
        "profile_name": "p1",
        "transform_job_definition": {"transform_input": {"data_source": {"s3_data_source": {"s3_uri": uri}}}},
    }


def training_profile(uri):
    return [
        {
            "profile_name": "p1",
            "training_job_definition": [
                {
                    "input_data_config": [
                        {"channel_name": "train", "data_source": [{"s3_data_source": [{"s3_uri": uri}]}]}
                    ],
                }
            ],
        }
    ]


def test_package_and_algorithm_locations():
    results = judge(
        RULE,
        stack(
            *buckets(),
            resource(
                PACKAGE,
                "pass_everything_same_region",
                {
                    "inference_specification": {
                        "containers": [{"image": IMAGE, "model_data_url": "s3://east-bucket/m"}]
                    },
                    "source_algorithm_specification": {
                        "source_algorithms": [{"algorithm_name": "algo", "model_data_url": "s3://east-bucket/a"}]
                    },
                    "validation_specification": {"validation_profiles": [transform_profile("s3://east-bucket/in/")]},
                },
            ),
            resource(
                PACKAGE,
                "fail_validation_input_other_region",
                {
                    "validation_specification": [{"validation_profiles": [transform_profile("s3://west-bucket/in/")]}],
                },
            ),
            resource(
                PACKAGE,
                "fail_source_algorithm_artifacts_other_region",
                {
                    "source_algorithm_specification": {
                        "source_algorithms": [{"algorithm_name": "algo", "model_data_url": "s3://west-bucket/a"}]
                    },
                },
            ),
            resource(
                PACKAGE,
                "unknown_validation_profiles",
                {
                    "validation_specification": {"validation_profiles": Unknown("known after apply")},
                },
            ),
            resource(
                ALGORITHM,
                "pass_training_input_same_region",
                {
                    "validation_specification": [{"validation_profiles": training_profile("s3://east-bucket/train/")}],
                },
            ),
            resource(
                ALGORITHM,
                "fail_training_input_other_region",
                {
                    "validation_specification": [{"validation_profiles": training_profile("s3://west-bucket/train/")}],
                },
            ),
        ),
    )
    assert {a: r.verdict for a, r in results.items()} == {
        f"{PACKAGE}.pass_everything_same_region": Verdict.PASSED,
        f"{PACKAGE}.fail_validation_input_other_region": Verdict.FAILED,
        f"{PACKAGE}.fail_source_algorithm_artifacts_other_region": Verdict.FAILED,
        f"{PACKAGE}.unknown_validation_profiles": Verdict.UNKNOWN,
        f"{ALGORITHM}.pass_training_input_same_region": Verdict.PASSED,
        f"{ALGORITHM}.fail_training_input_other_region": Verdict.FAILED,
    }
    assert results[f"{PACKAGE}.fail_validation_input_other_region"].message == (
        "validation_specification.validation_profiles.transform_job_definition.transform_input.data_source."
        "s3_data_source.s3_uri is in bucket 'west-bucket' in us-west-2 (from aws_s3_bucket.west), "
        "not in us-east-1, the region of this resource"
    )
    assert results[f"{PACKAGE}.unknown_validation_profiles"].message == (
        "validation_specification.validation_profiles: the block cannot be read before apply (known after apply)"
    )


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("s3://bucket/key/model.tar.gz", S3Location("bucket", None)),
        ("S3://bucket", S3Location("bucket", None)),
        ("https://my.bucket.s3.us-west-2.amazonaws.com/key", S3Location("my.bucket", "us-west-2")),
        ("https://bucket.s3-eu-central-1.amazonaws.com/key", S3Location("bucket", "eu-central-1")),
        ("https://bucket.s3.dualstack.ap-south-1.amazonaws.com/key", S3Location("bucket", "ap-south-1")),
        ("https://s3.dualstack.us-east-2.amazonaws.com/bucket/key", S3Location("bucket", "us-east-2")),
        ("https://s3-fips.us-gov-west-1.amazonaws.com/bucket/key", S3Location("bucket", "us-gov-west-1")),
        ("https://bucket.s3.cn-north-1.amazonaws.com.cn/key", S3Location("bucket", "cn-north-1")),
        ("https://bucket.s3.amazonaws.com/key", S3Location("bucket", None)),
        ("https://bucket.s3-accelerate.amazonaws.com/key", S3Location("bucket", None)),
        ("https://s3.amazonaws.com/bucket/key", S3Location("bucket", None)),
        ("https://s3.us-west-2.amazonaws.com/", S3Location(None, "us-west-2")),
        ("https://example.com/bucket/key", None),
        ("https://bucket.s3-website-us-east-1.amazonaws.com/key", None),
        ("file:///tmp/model.tar.gz", None),
        ("bucket/key", None),
    ],
)
def test_parse_s3_uri(uri, expected):
    assert parse_s3_uri(uri) == expected


def example_verdicts(path):
    grouped = addresses_by_verdict(scan_path(str(path), Settings()), RULE)
    return {verdict: {strip_instance_keys(a) for a in addresses} for verdict, addresses in grouped.items()}


def test_example_aws5_directory_and_plan():
    expected = {
        "PASSED": {
            f"{MODEL}.pass_in_config_bucket_same_region",
            f"{MODEL}.pass_regional_url_same_region",
            f"{MODEL}.pass_model_data_source_same_region",
        },
        "FAILED": {
            f"{MODEL}.fail_in_config_bucket_other_region",
            f"{MODEL}.fail_literal_name_of_other_region_bucket",
            f"{MODEL}.fail_regional_url_other_region",
            f"{MODEL}.fail_model_data_source_other_region",
        },
        "UNKNOWN": {f"{MODEL}.unknown_bucket_not_in_config"},
    }
    directory = EXAMPLES / "rules" / RULE / "aws5"
    assert example_verdicts(directory) == expected
    assert example_verdicts(directory / "plan.json") == expected


def test_example_awscc_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "awscc") == {
        "PASSED": {
            f"{PACKAGE}.pass_artifacts_and_validation_same_region",
            f"{CC_MODEL}.pass_primary_container_same_region",
        },
        "FAILED": {
            f"{PACKAGE}.fail_validation_input_other_region",
            f"{PACKAGE}.fail_source_algorithm_artifacts_other_region",
            f"{CC_MODEL}.fail_containers_other_region",
        },
        "UNKNOWN": {f"{PACKAGE}.unknown_container_artifacts_not_in_config"},
    }


def test_example_aws6_directory():
    assert example_verdicts(EXAMPLES / "rules" / RULE / "aws6") == {
        "PASSED": {f"{ALGORITHM}.pass_training_input_same_region"},
        "FAILED": {f"{ALGORITHM}.fail_training_input_other_region"},
    }


def test_a_bucket_of_unknown_name_is_named_in_the_reason():
    """Issue 16 item 6: a URI naming a bucket not found among the known names may name a bucket of the
    configuration whose name is unknown; the reason says so (it said only 'not declared')."""
    results = judge(
        RULE,
        stack(
            resource("aws_s3_bucket", "artifacts", {"bucket": Unknown("var.bucket has no value")}),
            model("unknown_bucket_of_unknown_name", "s3://my-artifacts/model.tar.gz"),
        ),
    )
    assert {a: (r.verdict, r.message) for a, r in results.items() if a.startswith(MODEL)} == {
        f"{MODEL}.unknown_bucket_of_unknown_name": (
            Verdict.UNKNOWN,
            "primary_container.model_data_url: bucket 'my-artifacts' is not declared in this configuration (or is "
            "aws_s3_bucket.artifacts, whose bucket cannot be known: var.bucket has no value), so its region is "
            "unknown",
        ),
    }
