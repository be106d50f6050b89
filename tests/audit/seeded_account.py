"""The account the audit tests read: compliant and violating resources, seeded with boto3 through the fake AWS.

Names say the expected outcome (`pass-...`, `fail-<what>`). The seller account is moto's default account, so
the audit finds it with sts:GetCallerIdentity like it would in a real account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

import boto3
import requests

from fake_aws import FakeAws, epoch

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "444455556666"
AWS_DLC_ACCOUNT = "763104351884"  # the AWS Deep Learning Containers registry
USE1, USW2, AFS1 = "us-east-1", "us-west-2", "af-south-1"
REGIONS = (USE1, USW2, AFS1)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
BUCKET_USE1 = "mlmarket-artifacts-use1"
BUCKET_USW2 = "mlmarket-artifacts-usw2"
GIB = 1024**3

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
}


def image(repository: str, region: str = USE1, account: str = ACCOUNT, tag: str = "1.0") -> str:
    return f"{account}.dkr.ecr.{region}.amazonaws.com/{repository}:{tag}"


def arn(service: str, kind: str, name: str, region: str = USE1) -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{kind}/{name}"


OWN_IMAGE = image("pass-model")


@dataclass
class SeededAccount:
    url: str
    # (region, repository, tag) -> the image address the audit reports: <repository URI>@<digest>
    images: dict[tuple[str, str, str], str] = field(default_factory=dict)


def seed(fake: FakeAws, moto_url: str) -> SeededAccount:
    seeded = SeededAccount(fake.url)
    clients = {r: boto3.session.Session(region_name=r) for r in REGIONS}

    def client(service: str, region: str = USE1):
        return clients[region].client(service, endpoint_url=fake.url)

    client("s3").create_bucket(Bucket=BUCKET_USE1)
    client("s3", USW2).create_bucket(Bucket=BUCKET_USW2, CreateBucketConfiguration={"LocationConstraint": USW2})
    _seed_ecr(client("ecr"), moto_url, seeded)
    client("ecr", USW2).create_repository(repositoryName="pass-model")
    _seed_models(client("sagemaker"), client("sagemaker", USW2), client("sagemaker", AFS1))
    _seed_endpoints(client("sagemaker"))
    _seed_model_packages(client("sagemaker"))
    _seed_training_jobs(client("sagemaker"))
    fake.algorithms[USE1] = _algorithms()
    return seeded


def _manifest(config_size: int, layer: str) -> str:
    # moto reports a manifest's config size as the image size.
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": config_size,
                "digest": "sha256:" + "c" * 64,
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": config_size,
                    "digest": "sha256:" + layer * 64,
                }
            ],
        }
    )


def _scan_result(repository: str, tag: str, counts: dict[str, int]) -> dict:
    return {
        "registryId": ACCOUNT,
        "repositoryName": repository,
        "imageId": {"imageTag": tag},
        "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
        "imageScanFindings": {"findings": [], "findingSeverityCounts": counts},
    }


def _seed_ecr(ecr, moto_url: str, seeded: SeededAccount) -> None:
    images = [
        # repository, tag, size, layer digest character, scan finding counts (None: never scanned)
        ("pass-model", "1.0", 1 * GIB, "1", {"MEDIUM": 2}),
        ("pass-model", "at-budget", 10 * GIB, "2", {}),
        ("pass-model", "over-budget", 10 * GIB + 1, "3", {}),
        ("vulnerable-model", "1.0", 1 * GIB, "4", {"CRITICAL": 1, "HIGH": 2, "LOW": 5}),
        ("unscanned-model", "1.0", 1 * GIB, "5", None),
    ]
    for repository in ("pass-model", "vulnerable-model", "unscanned-model"):
        scan_on_push = repository != "unscanned-model"
        ecr.create_repository(repositoryName=repository, imageScanningConfiguration={"scanOnPush": scan_on_push})
    results = [_scan_result(r, t, counts) for r, t, _, _, counts in images if counts is not None]
    response = requests.post(
        f"{moto_url}/moto-api/static/ecr/scan-finding-results", json={"results": results, "region": USE1}, timeout=30
    )
    response.raise_for_status()
    for repository, tag, size, layer, counts in images:
        ecr.put_image(repositoryName=repository, imageManifest=_manifest(size, layer), imageTag=tag)
        if counts is not None:
            ecr.start_image_scan(repositoryName=repository, imageId={"imageTag": tag})
        detail = ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])["imageDetails"][0]
        uri = f"{ACCOUNT}.dkr.ecr.{USE1}.amazonaws.com/{repository}"
        seeded.images[(USE1, repository, tag)] = f"{uri}@{detail['imageDigest']}"


def _seed_models(use1, usw2, afs1) -> None:
    def model(client, name: str, container: dict, isolation: bool = True) -> None:
        client.create_model(
            ModelName=name,
            ExecutionRoleArn=ROLE,
            PrimaryContainer={**container, "Environment": {"API_TOKEN": "never-reported"}},
            EnableNetworkIsolation=isolation,
        )

    artifacts = f"s3://{BUCKET_USE1}/model/model.tar.gz"
    model(use1, "pass-model", {"Image": OWN_IMAGE, "ModelDataUrl": artifacts})
    model(use1, "fail-no-isolation", {"Image": OWN_IMAGE}, isolation=False)
    model(use1, "fail-docker-hub", {"Image": "docker.io/library/python:3.12"})
    model(use1, "fail-other-account", {"Image": image("partner-model", account=OTHER_ACCOUNT)})
    model(use1, "fail-image-other-region", {"Image": image("pass-model", region=USW2)})
    model(use1, "fail-aws-dlc", {"Image": image("pytorch-inference", account=AWS_DLC_ACCOUNT, tag="2.1.0-cpu-py310")})
    model(
        use1,
        "fail-artifacts-other-region",
        {"Image": OWN_IMAGE, "ModelDataUrl": f"s3://{BUCKET_USW2}/model/model.tar.gz"},
    )
    model(
        usw2,
        "west-model",
        {"Image": image("pass-model", region=USW2), "ModelDataUrl": f"s3://{BUCKET_USW2}/model/model.tar.gz"},
    )
    model(afs1, "cape-town-model", {"Image": image("pass-model", region=AFS1)})


def _seed_endpoints(sagemaker) -> None:
    def variant(**extra) -> dict:
        return {"VariantName": "primary", "ModelName": "pass-model", **extra}

    instances = {"InstanceType": "ml.m5.large", "InitialInstanceCount": 1}
    configs = {
        "pass-realtime": {"ProductionVariants": [variant(**instances, VolumeSizeInGB=30)]},
        "fail-serverless": {
            "ProductionVariants": [variant(ServerlessConfig={"MemorySizeInMB": 2048, "MaxConcurrency": 1})]
        },
        "fail-async": {
            "ProductionVariants": [variant(**instances)],
            "AsyncInferenceConfig": {"OutputConfig": {"S3OutputPath": f"s3://{BUCKET_USE1}/async/"}},
        },
        "fail-volume-on-nvme": {
            "ProductionVariants": [variant(InstanceType="ml.g4dn.xlarge", InitialInstanceCount=1, VolumeSizeInGB=100)]
        },
    }
    for name, config in configs.items():
        sagemaker.create_endpoint_config(EndpointConfigName=name, **config)
    sagemaker.create_endpoint(EndpointName="pass-endpoint", EndpointConfigName="pass-realtime")


def _transform_job(concurrency: int, payload_mb: int) -> dict:
    return {
        "MaxConcurrentTransforms": concurrency,
        "MaxPayloadInMB": payload_mb,
        "TransformInput": {
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{BUCKET_USE1}/validation/"}},
            "ContentType": "text/csv",
        },
        "TransformOutput": {"S3OutputPath": f"s3://{BUCKET_USE1}/validation-output/"},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
    }


def _inference(image_uri: str = OWN_IMAGE, **container) -> dict:
    return {
        "Containers": [{"Image": image_uri, **container}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
        "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"],
        "SupportedTransformInstanceTypes": ["ml.m5.large"],
    }


def _validation(concurrency: int, payload_mb: int) -> dict:
    return {
        "ValidationRole": ROLE,
        "ValidationProfiles": [
            {"ProfileName": "validation", "TransformJobDefinition": _transform_job(concurrency, payload_mb)}
        ],
    }


def _seed_model_packages(sagemaker) -> None:
    artifacts = f"s3://{BUCKET_USE1}/model/model.tar.gz"
    sagemaker.create_model_package(
        ModelPackageName="pass-package",
        CertifyForMarketplace=True,
        InferenceSpecification=_inference(ModelDataUrl=artifacts),
        ValidationSpecification=_validation(4, 6),
    )
    sagemaker.create_model_package(
        ModelPackageName="fail-batch-payload",
        CertifyForMarketplace=True,
        InferenceSpecification=_inference(ModelDataUrl=artifacts),
        ValidationSpecification=_validation(4, 50),
    )
    sagemaker.create_model_package(
        ModelPackageName="fail-not-validated", CertifyForMarketplace=True, InferenceSpecification=_inference()
    )
    sagemaker.create_model_package(
        ModelPackageName="fail-subscribed-algorithm",
        SourceAlgorithmSpecification={
            "SourceAlgorithms": [
                {
                    "AlgorithmName": f"arn:aws:sagemaker:{USE1}:{OTHER_ACCOUNT}:algorithm/partner-algorithm",
                    "ModelDataUrl": artifacts,
                }
            ]
        },
    )


def _seed_training_jobs(sagemaker) -> None:
    def job(name: str, instance_type: str = "ml.m5.large", **extra) -> None:
        sagemaker.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": OWN_IMAGE, "TrainingInputMode": "File"},
            RoleArn=ROLE,
            OutputDataConfig={"S3OutputPath": f"s3://{BUCKET_USE1}/training-output/"},
            ResourceConfig={"InstanceType": instance_type, "InstanceCount": 1, "VolumeSizeInGB": 10},
            HyperParameters={"learning_rate": "0.1"},
            EnableNetworkIsolation=True,
            **extra,
        )

    spot = {"EnableManagedSpotTraining": True}
    job("pass-training", StoppingCondition={"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 3600}, **spot)
    job("fail-spot-wait", StoppingCondition={"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200}, **spot)
    job("fail-training-instance", "ml.t2.medium", StoppingCondition={"MaxRuntimeInSeconds": 3600})


def _algorithms() -> list[dict]:
    created = epoch(datetime(2025, 1, 15, tzinfo=timezone.utc))

    def algorithm(name: str, training_image: str, certify: bool, validation: dict | None) -> dict:
        document = {
            "AlgorithmName": name,
            "AlgorithmArn": arn("sagemaker", "algorithm", name),
            "CreationTime": created,
            "AlgorithmStatus": "Completed",
            "TrainingSpecification": {
                "TrainingImage": training_image,
                "SupportedTrainingInstanceTypes": ["ml.m5.large"],
                "TrainingChannels": [
                    {"Name": "train", "SupportedContentTypes": ["text/csv"], "SupportedInputModes": ["File"]}
                ],
            },
            "InferenceSpecification": _inference(),
            "CertifyForMarketplace": certify,
        }
        if validation is not None:
            document["ValidationSpecification"] = validation
        return document

    validation = {
        "ValidationRole": ROLE,
        "ValidationProfiles": [
            {
                "ProfileName": "validation",
                "TrainingJobDefinition": {
                    "TrainingInputMode": "File",
                    "HyperParameters": {"epochs": "1"},
                    "InputDataConfig": [
                        {
                            "ChannelName": "train",
                            "DataSource": {
                                "S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{BUCKET_USE1}/train/"}
                            },
                        }
                    ],
                    "OutputDataConfig": {"S3OutputPath": f"s3://{BUCKET_USE1}/validation-training/"},
                    "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
                    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
                },
                "TransformJobDefinition": _transform_job(1, 6),
            }
        ],
    }
    return [
        algorithm("pass-algorithm", OWN_IMAGE, True, validation),
        algorithm("fail-algorithm-docker-hub", "docker.io/acme/trainer:1.0", False, None),
    ]
