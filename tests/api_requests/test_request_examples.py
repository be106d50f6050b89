"""The request examples (request_examples/): each is a request a botocore client accepts, and each is judged with
exactly the rules, verdicts and messages listed here, in the request's own words (API field paths)."""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name
from botocore.stub import Stubber

from mlmarket import limits
from mlmarket.model import Verdict
from mlmarket.readers.api_request import SUPPORTED_OPERATIONS
from mlmarket.scan import scan_path
from mlmarket.settings import Settings

from support import REPO, run_cli

REQUESTS = REPO / "request_examples"
FILES = sorted(REQUESTS.glob("*.json"))
PASSED, FAILED, UNKNOWN = Verdict.PASSED, Verdict.FAILED, Verdict.UNKNOWN
INSTANCE_TYPES_AS_OF = limits.updated_at("instance_types.json")
AMBIENT = ("AWS_REGION", "AWS_DEFAULT_REGION", "MLMARKET_SELLER_ACCOUNT")


def operation_of(path: Path) -> str:
    return path.name.split(".")[-2]


@pytest.fixture(autouse=True)
def no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # The examples' region and seller account come from request_examples/.mlmarket.yaml only.
    for name in AMBIENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def client():
    return botocore.session.get_session().create_client(
        "sagemaker", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_botocore_client_accepts_the_example(path, client):
    """Through a real client (its own idempotency token and parameter validation), never reaching the network:
    the Stubber answers, after checking the client was given exactly the file's parameters."""
    params = json.loads(path.read_text())
    operation = client.meta.service_model.operation_model(operation_of(path))
    answer = dict.fromkeys(operation.output_shape.members, f"arn:aws:sagemaker:us-east-1:111122223333:x/{path.stem}")
    with Stubber(client) as stubber:
        stubber.add_response(xform_name(operation.name), answer, params)
        getattr(client, xform_name(operation.name))(**params)
        stubber.assert_no_pending_responses()


def test_every_operation_has_passing_and_failing_examples():
    outcomes = {(operation_of(path), path.name.split("_", 1)[0]) for path in FILES}
    assert outcomes >= {(operation, outcome) for operation in SUPPORTED_OPERATIONS for outcome in ("pass", "fail")}
    assert {path.name.split("_", 1)[0] for path in FILES} == {"pass", "fail", "unknown"}


EXPECTED = {
    "fail_async_serverless_endpoint_config.CreateEndpointConfig.json": {
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_008": (
            FAILED,
            "AsyncInferenceConfig is set; Marketplace model packages support only real-time and batch "
            "transform inference",
        ),
        "CKV_MLM_009": (
            FAILED,
            "ProductionVariants[1] (variant 'serverless') uses ServerlessConfig; Marketplace supports only "
            "instance-based variants",
        ),
        "CKV_MLM_015": PASSED,
        "CKV_MLM_016": PASSED,
    },
    "fail_isolation_docker_hub_timeout_pipeline.CreatePipeline.json": {
        "CKV_MLM_001": (
            FAILED,
            "step 'Train' (Training) EnableNetworkIsolation is not set (SageMaker defaults to false); "
            "Marketplace runs ML products network-isolated",
        ),
        "CKV_MLM_002": (
            FAILED,
            "step 'Preprocess' (Processing) AppSpecification.ImageUri 'docker.io/my-org/preprocess:1.0' is "
            "hosted on Docker Hub; Marketplace accepts only images in private Amazon ECR",
        ),
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_010": PASSED,
        "CKV_MLM_011": (
            FAILED,
            "step 'BatchTransform' (Transform) ModelClientConfig.InvocationsTimeoutInSeconds is 7200, over "
            "the 3600 s batch invocation limit",
        ),
        "CKV_MLM_012": PASSED,
        "CKV_MLM_013": PASSED,
        "CKV_MLM_015": PASSED,
    },
    "fail_no_isolation_deep_learning_container_model.CreateModel.json": {
        "CKV_MLM_001": (
            FAILED,
            "EnableNetworkIsolation is not set (SageMaker defaults to false); Marketplace runs ML products "
            "network-isolated",
        ),
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": (
            FAILED,
            "PrimaryContainer.Image is in account 763104351884, not the seller account 111122223333; "
            "Marketplace publishes only images from the seller's own ECR registry",
        ),
        "CKV_MLM_004": PASSED,
        "CKV_MLM_005": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_013": (
            FAILED,
            "PrimaryContainer.Image is in account 763104351884, an AWS-owned SageMaker image registry "
            "(tensorflow, pytorch, huggingface, ...); Marketplace does not list AWS built-in algorithms or "
            "Deep Learning Containers as a seller's product",
        ),
    },
    "fail_nvme_volume_endpoint_config.CreateEndpointConfig.json": {
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_008": PASSED,
        "CKV_MLM_009": PASSED,
        "CKV_MLM_015": PASSED,
        "CKV_MLM_016": (
            FAILED,
            "ProductionVariants[0] (variant 'gpu') sets VolumeSizeInGB = 100 on ml.g5.xlarge, whose NVMe "
            "instance storage takes no VolumeSizeInGB",
        ),
    },
    "fail_payload_timeout_transform_job.CreateTransformJob.json": {
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_010": (
            FAILED,
            "MaxConcurrentTransforms x MaxPayloadInMB is 2 x 100 = 200 MB, over the 100 MB batch limit",
        ),
        "CKV_MLM_011": (
            FAILED,
            "ModelClientConfig.InvocationsTimeoutInSeconds is 3601, over the 3600 s batch invocation limit",
        ),
        "CKV_MLM_015": PASSED,
    },
    "fail_second_definition_tuning_job.CreateHyperParameterTuningJob.json": {
        "CKV_MLM_001": (
            FAILED,
            "TrainingJobDefinitions[1].EnableNetworkIsolation is false; Marketplace runs ML products "
            "network-isolated",
        ),
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_012": (
            FAILED,
            "TrainingJobDefinitions[1] StoppingCondition.MaxWaitTimeInSeconds is 3601, over the 3600 s spot "
            "training limit",
        ),
        "CKV_MLM_013": PASSED,
        "CKV_MLM_015": PASSED,
    },
    "fail_spot_wait_payload_image_region_algorithm.CreateAlgorithm.json": {
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": (
            FAILED,
            "InferenceSpecification.Containers[0].Image is in us-west-2, but the resource is in us-east-1; "
            "SageMaker pulls images only from ECR in its own region; TrainingSpecification.TrainingImage is "
            "in us-west-2, but the resource is in us-east-1; SageMaker pulls images only from ECR in its own "
            "region",
        ),
        "CKV_MLM_005": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_010": (
            FAILED,
            "validation profile 'validation' TransformJobDefinition MaxPayloadInMB is 101, over the 100 MB "
            "batch limit",
        ),
        "CKV_MLM_012": (
            FAILED,
            "validation profile 'validation' TrainingJobDefinition StoppingCondition.MaxWaitTimeInSeconds is "
            "3601, over the 3600 s spot training limit",
        ),
        "CKV_MLM_013": PASSED,
        "CKV_MLM_015": PASSED,
        "CKV_MLM_017": PASSED,
    },
    "fail_spot_without_wait_training_job.CreateTrainingJob.json": {
        "CKV_MLM_001": (
            FAILED,
            "EnableNetworkIsolation is not set (SageMaker defaults to false); Marketplace runs ML products "
            "network-isolated",
        ),
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_012": (
            FAILED,
            "uses managed spot training without StoppingCondition.MaxWaitTimeInSeconds; Marketplace allows a "
            "spot wait of at most 3600 s",
        ),
        "CKV_MLM_013": PASSED,
        "CKV_MLM_015": (
            FAILED,
            "ResourceConfig.InstanceType is 'ml.m5.huge', not a valid training instance type (SageMaker "
            f"instance types as of {INSTANCE_TYPES_AS_OF})",
        ),
    },
    "fail_subscribed_algorithm_package.CreateModelPackage.json": {
        "CKV_MLM_005": (
            FAILED,
            "SourceAlgorithmSpecification.SourceAlgorithms[0].ModelDataUrl is in bucket "
            "'my-product-artifacts' in us-west-2 (from the URL host), not in us-east-1, the region of this "
            "resource",
        ),
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_010": PASSED,
        "CKV_MLM_014": (
            FAILED,
            "SourceAlgorithmSpecification.SourceAlgorithms[0].AlgorithmName is "
            "'arn:aws:sagemaker:us-east-1:444455556666:algorithm/their-algorithm' in account 444455556666, "
            "not the seller account 111122223333: a package derived from a subscribed algorithm cannot be "
            "listed",
        ),
        "CKV_MLM_015": PASSED,
        "CKV_MLM_017": PASSED,
    },
    "fail_versioned_docker_hub_package.CreateModelPackage.json": {
        "CKV_MLM_002": (
            FAILED,
            "InferenceSpecification.Containers[0].Image 'docker.io/my-org/my-product:1.0' is hosted on "
            "Docker Hub; Marketplace accepts only images in private Amazon ECR",
        ),
        "CKV_MLM_005": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_010": PASSED,
        "CKV_MLM_014": PASSED,
        "CKV_MLM_015": PASSED,
        "CKV_MLM_017": (
            FAILED,
            "CertifyForMarketplace is true but there is no ValidationSpecification: Marketplace certifies "
            "only what SageMaker validated; CertifyForMarketplace is true but ModelPackageGroupName is "
            "'my-product': a versioned model package cannot be listed; give it a ModelPackageName instead",
        ),
    },
    "fail_vpc_registry_model.CreateModel.json": {
        "CKV_MLM_001": PASSED,
        "CKV_MLM_002": (
            FAILED,
            "Containers[1].Image 'registry.internal.example.com/my-product:1.0' is hosted on "
            "registry.internal.example.com; Marketplace accepts only images in private Amazon ECR; "
            "Containers[1].Image is pulled with repository access mode 'Vpc' (a private registry in a VPC); "
            "Marketplace accepts only images pulled from private Amazon ECR (mode 'Platform')",
        ),
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_005": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_013": PASSED,
    },
    "pass_batch_transform_job.CreateTransformJob.json": {
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_010": PASSED,
        "CKV_MLM_011": PASSED,
        "CKV_MLM_015": PASSED,
    },
    "pass_certified_algorithm.CreateAlgorithm.json": {
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_005": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_010": PASSED,
        "CKV_MLM_012": PASSED,
        "CKV_MLM_013": PASSED,
        "CKV_MLM_015": PASSED,
        "CKV_MLM_017": PASSED,
    },
    "pass_certified_package.CreateModelPackage.json": {
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_005": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_010": PASSED,
        "CKV_MLM_013": PASSED,
        "CKV_MLM_014": PASSED,
        "CKV_MLM_015": PASSED,
        "CKV_MLM_017": PASSED,
    },
    "pass_isolated_model.CreateModel.json": {
        "CKV_MLM_001": PASSED,
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_005": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_013": PASSED,
    },
    "pass_isolated_spot_training_job.CreateTrainingJob.json": {
        "CKV_MLM_001": PASSED,
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_012": PASSED,
        "CKV_MLM_013": PASSED,
        "CKV_MLM_015": PASSED,
    },
    "pass_isolated_spot_tuning_job.CreateHyperParameterTuningJob.json": {
        "CKV_MLM_001": PASSED,
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_012": PASSED,
        "CKV_MLM_013": PASSED,
        "CKV_MLM_015": PASSED,
    },
    "pass_realtime_endpoint_config.CreateEndpointConfig.json": {
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_008": PASSED,
        "CKV_MLM_009": PASSED,
        "CKV_MLM_015": PASSED,
        "CKV_MLM_016": PASSED,
    },
    "pass_train_and_transform_pipeline.CreatePipeline.json": {
        "CKV_MLM_001": PASSED,
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_010": PASSED,
        "CKV_MLM_011": PASSED,
        "CKV_MLM_012": PASSED,
        "CKV_MLM_013": PASSED,
        "CKV_MLM_015": PASSED,
    },
    "unknown_artifact_bucket_region_model.CreateModel.json": {
        "CKV_MLM_001": PASSED,
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_005": (
            UNKNOWN,
            "PrimaryContainer.ModelDataUrl: bucket 'my-product-artifacts' is not declared in this "
            "configuration, so its region is unknown",
        ),
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_013": PASSED,
    },
    "unknown_instance_type_parameter_pipeline.CreatePipeline.json": {
        "CKV_MLM_001": PASSED,
        "CKV_MLM_002": PASSED,
        "CKV_MLM_003": PASSED,
        "CKV_MLM_004": PASSED,
        "CKV_MLM_006": PASSED,
        "CKV_MLM_007": PASSED,
        "CKV_MLM_012": PASSED,
        "CKV_MLM_013": PASSED,
        "CKV_MLM_015": (
            UNKNOWN,
            "step 'Train' (Training) ResourceConfig.InstanceType cannot be checked against the training "
            "instance types: pipeline expression {Get: 'Parameters.TrainingInstanceType'} is resolved only "
            "when the pipeline runs",
        ),
    },
}


def test_every_example_is_listed():
    assert sorted(EXPECTED) == [path.name for path in FILES]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_results(path):
    results = scan_path(str(path), Settings())
    assert {r.address for r in results} == {f"{operation_of(path)}:{path.name}"}
    assert {r.resource_type for r in results} == {operation_of(path)}
    found = {r.rule_id: r.verdict if r.verdict is PASSED else (r.verdict, r.message) for r in results}
    assert found == EXPECTED[path.name]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_outcome_matches_its_name(path):
    verdicts = {r.verdict for r in scan_path(str(path), Settings())}
    outcome = path.name.split("_", 1)[0]
    assert (FAILED in verdicts, UNKNOWN in verdicts) == {
        "pass": (False, False), "fail": (True, False), "unknown": (False, True)
    }[outcome]


def test_the_cli_scans_every_example_at_once():
    result = run_cli("scan", *map(str, FILES), "--format", "json", cwd=REPO)
    document = json.loads(result.stdout)
    failing = {r["address"] for r in document["results"] if r["verdict"] == "FAILED"}
    assert result.returncode == 1, result.stderr
    assert failing == {f"{operation_of(p)}:{p.name}" for p in FILES if p.name.startswith("fail_")}
    assert {r["file"] for r in document["results"]} == {f"request_examples/{p.name}" for p in FILES}
