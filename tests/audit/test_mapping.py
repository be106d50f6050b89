"""AWS responses -> plan-shaped resources: pure, no network."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mlmarket.model import Unknown
from mlmarket.readers.sagemaker_api import (
    ECR_IMAGE,
    MODEL,
    MODEL_PACKAGE,
    S3_BUCKET,
    Collected,
    build_stack,
    needs_scan_findings,
    plan_shaped,
    referenced_buckets,
    scan_result,
    snake_case,
    to_resource,
)

ACCOUNT = "111122223333"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/model:1.0"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("VolumeSizeInGB", "volume_size_in_gb"),
        ("MaxPayloadInMB", "max_payload_in_mb"),
        ("S3Uri", "s3_uri"),
        ("S3DataSource", "s3_data_source"),
        ("ModelDataUrl", "model_data_url"),
        ("SupportedRealtimeInferenceInstanceTypes", "supported_realtime_inference_instance_types"),
        ("EnableSSMAccess", "enable_ssm_access"),
        ("scanOnPush", "scan_on_push"),
    ],
)
def test_snake_case(name, expected):
    assert snake_case(name) == expected


def test_plan_shape_drops_secrets_and_empties_and_makes_blocks():
    response = {
        "Image": IMAGE,
        "Environment": {"API_TOKEN": "secret"},
        "ImageConfig": {"RepositoryAccessMode": "Platform"},
        "ModelDataSource": {"S3DataSource": {"S3Uri": "s3://b/k/", "S3DataType": "S3Prefix"}},
        "Empty": {},
        "Nothing": None,
        "Created": datetime(2025, 1, 2, tzinfo=timezone.utc),
    }
    expected_inner = {"s3_data_source": [{"s3_uri": "s3://b/k/", "s3_data_type": "S3Prefix"}]}
    assert plan_shaped(response, as_blocks=True) == {
        "image": IMAGE,
        "image_config": [{"repository_access_mode": "Platform"}],
        "model_data_source": [expected_inner],
        "created": "2025-01-02T00:00:00+00:00",
    }
    assert plan_shaped(response, as_blocks=False)["model_data_source"] == {
        "s3_data_source": {"s3_uri": "s3://b/k/", "s3_data_type": "S3Prefix"}
    }


def test_a_model_becomes_an_aws_sagemaker_model_with_its_arn():
    response = {
        "ModelName": "m",
        "ModelArn": f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model/m",
        "PrimaryContainer": {},  # DescribeModel's answer for a model built from Containers
        "Containers": [{"Image": IMAGE, "Environment": {"K": "v"}}],
        "EnableNetworkIsolation": True,
        "ExecutionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
        "VpcConfig": {"Subnets": ["s"]},
    }
    resource = to_resource(Collected(MODEL, "eu-west-1", response), account=ACCOUNT, partition="aws")
    assert (resource.type, resource.address, resource.name, resource.region, resource.provider) == (
        "aws_sagemaker_model",
        f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:model/m",
        "m",
        "eu-west-1",
        "aws",
    )
    assert resource.attributes == {
        "name": "m",
        "container": [{"image": IMAGE}],
        "enable_network_isolation": True,
        "execution_role_arn": f"arn:aws:iam::{ACCOUNT}:role/r",
    }
    assert (resource.file, resource.line, resource.account) == (None, None, ACCOUNT)


def test_a_model_package_keeps_awscc_objects():
    response = {
        "ModelPackageName": "p",
        "ModelPackageArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model-package/p",
        "InferenceSpecification": {
            "Containers": [{"Image": IMAGE}],
            "SupportedTransformInstanceTypes": ["ml.m5.large"],
        },
        "CertifyForMarketplace": False,
        "CustomerMetadataProperties": {"owner": "x"},
    }
    resource = to_resource(Collected(MODEL_PACKAGE, "us-east-1", response), account=ACCOUNT, partition="aws")
    assert resource.type == "awscc_sagemaker_model_package"
    assert resource.provider == "awscc"
    assert resource.attributes == {
        "model_package_name": "p",
        "inference_specification": {
            "containers": [{"image": IMAGE}],
            "supported_transform_instance_types": ["ml.m5.large"],
        },
        "certify_for_marketplace": False,
    }


def image_detail(**extra) -> dict:
    return {
        "registryId": ACCOUNT,
        "repositoryName": "model",
        "repositoryUri": f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/model",
        "imageDigest": "sha256:" + "a" * 64,
        "imageTags": ["1.0"],
        "imageSizeInBytes": 123,
        **extra,
    }


def test_scan_findings_come_from_the_describe_images_summary_when_it_is_there():
    detail = image_detail(
        imageScanStatus={"status": "COMPLETE"},
        imageScanFindingsSummary={"findingSeverityCounts": {"HIGH": 3}},
    )
    assert not needs_scan_findings(detail)
    assert scan_result(detail) == ("COMPLETE", {"HIGH": 3})


def test_scan_findings_come_from_describe_image_scan_findings_otherwise():
    detail = image_detail(scan={"imageScanStatus": {"status": "ACTIVE"}, "imageScanFindings": {}})
    assert needs_scan_findings(image_detail())
    assert scan_result(detail) == ("ACTIVE", {})  # a completed scan without findings lists no severities
    assert scan_result(image_detail()) == (None, None)
    status, counts = scan_result(image_detail(scanError="AccessDeniedException"))
    assert isinstance(status, Unknown) and status is counts
    assert status.reason == "DescribeImageScanFindings failed (AccessDeniedException)"


def test_an_image_becomes_an_aws_ecr_image_addressed_by_digest():
    resource = to_resource(
        Collected(ECR_IMAGE, "us-east-1", image_detail()), account=ACCOUNT, partition="aws", image_size_budget_gib=4
    )
    uri = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/model@sha256:{'a' * 64}"
    assert (resource.type, resource.address) == ("aws_ecr_image", uri)
    assert resource.attributes == {
        "image_uri": uri,
        "repository_name": "model",
        "image_digest": "sha256:" + "a" * 64,
        "image_tags": ["1.0"],
        "image_size_in_bytes": 123,
        "scan_status": None,
        "scan_finding_counts": None,
        "image_size_budget_gib": 4,
    }


@pytest.mark.parametrize(
    ("location", "region"), [(None, "us-east-1"), ("EU", "eu-west-1"), ("ap-south-1", "ap-south-1")]
)
def test_bucket_locations_become_regions(location, region):
    bucket = Collected(S3_BUCKET, "us-east-1", {"Bucket": "b", "LocationConstraint": location})
    resource = to_resource(bucket, account=ACCOUNT, partition="aws-cn")
    assert (resource.type, resource.address, resource.region, resource.attributes) == (
        "aws_s3_bucket",
        "arn:aws-cn:s3:::b",
        region,
        {"bucket": "b"},
    )


def test_referenced_buckets_are_those_of_s3_artifact_and_validation_uris():
    model = {
        "PrimaryContainer": {"ModelDataUrl": "s3://artifacts/m.tar.gz", "Environment": {"ModelDataUrl": "s3://x/"}}
    }
    package = {
        "ValidationSpecification": {
            "ValidationProfiles": [
                {
                    "TransformJobDefinition": {
                        "TransformInput": {"DataSource": {"S3DataSource": {"S3Uri": "s3://val/in"}}}
                    }
                }
            ]
        },
        "InferenceSpecification": {"Containers": [{"ModelDataUrl": "https://b.s3.us-west-2.amazonaws.com/m"}]},
    }
    collected = [Collected(MODEL, "us-east-1", model), Collected(MODEL_PACKAGE, "us-east-1", package)]
    assert referenced_buckets(collected) == {"artifacts", "val"}


def test_one_stack_for_every_region_with_the_audited_account_as_seller():
    items = [
        Collected(S3_BUCKET, "us-east-1", {"Bucket": "b", "LocationConstraint": "eu-west-1"}),
        Collected(ECR_IMAGE, "us-east-1", image_detail()),
    ]
    stack, unmapped = build_stack(items, account=ACCOUNT, partition="aws", publishing_region="eu-west-1")
    assert unmapped == []
    assert (stack.source, stack.seller_account, stack.publishing_region) == (
        f"AWS account {ACCOUNT}",
        ACCOUNT,
        "eu-west-1",
    )
    assert [r.type for r in stack.resources] == ["aws_s3_bucket", "aws_ecr_image"]  # region, then type


def test_a_heterogeneous_training_job_has_its_instance_groups_judged():
    from mlmarket.engine import evaluate
    from mlmarket.readers.sagemaker_api import TRAINING_JOB
    from mlmarket.rules import get_rule

    response = {
        "TrainingJobName": "t",
        "TrainingJobArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:training-job/t",
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "ResourceConfig": {
            "VolumeSizeInGB": 30,
            "InstanceGroups": [
                {"InstanceGroupName": "cpu", "InstanceType": "ml.c5.xlarge", "InstanceCount": 1},
                {"InstanceGroupName": "small", "InstanceType": "ml.t2.medium", "InstanceCount": 1},
            ],
        },
        "EnableNetworkIsolation": True,
    }
    stack, _ = build_stack([Collected(TRAINING_JOB, "us-east-1", response)], account=ACCOUNT, partition="aws")
    (result,) = evaluate(stack, [get_rule("CKV_MLM_015")])
    assert result.verdict.value == "FAILED"
    assert result.message.startswith(
        "resource_config.instance_groups[1].instance_type is 'ml.t2.medium', not a valid training instance type"
    )
