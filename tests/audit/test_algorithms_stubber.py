"""The algorithms read, in process with botocore's Stubber: moto 5 has no SageMaker algorithms API (its server
answers ListAlgorithms with a 500), so this is where ListAlgorithms -> DescribeAlgorithm -> awscc_sagemaker_algorithm
-> rules is pinned against botocore's own request and response shapes (the moto-server tests get algorithms from
the fake AWS proxy instead)."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
from botocore.stub import Stubber

from mlmarket.audit import audit_rules
from mlmarket.audit.fetch import SAGEMAKER_READS, ClientFactory, Reads
from mlmarket.engine import evaluate
from mlmarket.readers.sagemaker_api import ALGORITHM, build_stack

ACCOUNT = "111122223333"
NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:algorithm/spot-trainer"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/trainer:1.0"


def describe_algorithm() -> dict:
    return {
        "AlgorithmName": "spot-trainer",
        "AlgorithmArn": ARN,
        "CreationTime": NOW,
        "AlgorithmStatus": "Completed",
        "AlgorithmStatusDetails": {},
        "CertifyForMarketplace": True,
        "TrainingSpecification": {
            "TrainingImage": IMAGE,
            "SupportedTrainingInstanceTypes": ["ml.m5.large"],
            "TrainingChannels": [
                {"Name": "train", "SupportedContentTypes": ["text/csv"], "SupportedInputModes": ["File"]}
            ],
        },
        "ValidationSpecification": {
            "ValidationRole": f"arn:aws:iam::{ACCOUNT}:role/validation",
            "ValidationProfiles": [
                {
                    "ProfileName": "validation",
                    "TrainingJobDefinition": {
                        "TrainingInputMode": "File",
                        "HyperParameters": {"secret_token": "never-reported"},
                        "InputDataConfig": [
                            {
                                "ChannelName": "train",
                                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/train/"}},
                            }
                        ],
                        "OutputDataConfig": {"S3OutputPath": "s3://b/out/"},
                        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
                        "StoppingCondition": {"MaxRuntimeInSeconds": 7200, "MaxWaitTimeInSeconds": 3600},
                    },
                }
            ],
        },
    }


def test_algorithms_are_listed_described_mapped_and_judged():
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    client = ClientFactory(session, endpoint_url=None).client("sagemaker", "us-east-1")
    read = next(spec for spec in SAGEMAKER_READS if spec.kind == ALGORITHM)
    summary = {
        "AlgorithmName": "spot-trainer",
        "AlgorithmArn": ARN,
        "CreationTime": NOW,
        "AlgorithmStatus": "Completed",
    }
    with Stubber(client) as stubber:
        stubber.add_response("list_algorithms", {"AlgorithmSummaryList": [summary]}, {"MaxResults": 100})
        stubber.add_response("describe_algorithm", describe_algorithm(), {"AlgorithmName": "spot-trainer"})
        reads = Reads(client, "us-east-1")
        collected = read.read(reads, NOW)
        stubber.assert_no_pending_responses()
    assert reads.unreadable == []
    stack, unmapped = build_stack(collected, account=ACCOUNT, partition="aws")
    assert unmapped == []
    [algorithm] = stack.resources
    assert (algorithm.type, algorithm.address, algorithm.region) == ("awscc_sagemaker_algorithm", ARN, "us-east-1")
    assert (
        "hyper_parameters"
        not in algorithm.attributes["validation_specification"]["validation_profiles"][0]["training_job_definition"]
    )
    results = {r.rule_id: (r.verdict.value, r.message) for r in evaluate(stack, audit_rules())}
    assert results["CKV_MLM_012"] == (
        "FAILED",
        "validation profile 'validation' training_job_definition stopping_condition.max_runtime_in_seconds is "
        "7200, longer than stopping_condition.max_wait_time_in_seconds (3600)",
    )
    assert {rule: verdict for rule, (verdict, _) in results.items()} == {
        "CKV_MLM_002": "PASSED",
        "CKV_MLM_003": "PASSED",
        "CKV_MLM_004": "PASSED",
        "CKV_MLM_005": "UNKNOWN",  # the bucket's region was not read in this test
        "CKV_MLM_006": "PASSED",
        "CKV_MLM_007": "PASSED",
        "CKV_MLM_010": "PASSED",
        "CKV_MLM_012": "FAILED",
        "CKV_MLM_013": "PASSED",
        "CKV_MLM_015": "PASSED",
        "CKV_MLM_017": "PASSED",
    }
