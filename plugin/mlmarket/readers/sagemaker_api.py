"""AWS API responses -> the normalized model: the same resources the Terraform readers build, so the rules run
unchanged. Pure: no boto3, no network; `fetch` collects the responses and hands them over.

Each Describe* response becomes one `Resource` whose attributes are shaped like a Terraform plan's: API field
names in snake_case (`VolumeSizeInGB` -> `volume_size_in_gb`), nested objects as one-element block lists for
`aws_*` types (`primary_container = [{...}]`) and as objects for `awscc_*` types, as those providers write them.
Only the fields a rule or a report needs are kept. Environment variables, hyperparameters, tags and customer
metadata are dropped wherever they appear: they may hold secrets, and their keys are not API field names.

Create* requests (request files, `mlmarket.guard`) share these shapes: a request carries the same fields as the
Describe* answer of what it creates, so `request_resource` maps it through the same table into the same resource
types, and every rule judges a request as it judges Terraform and the audit. A transform job has no resource of
its own in the rules' model: its request is exactly a pipeline Transform step's arguments, so it becomes a
one-step pipeline, judged by the Transform-step rules.

Fail closed: `build_stack` is the one place where a response that cannot be mapped, for whatever reason (a
missing key, a null, a type the mapping does not expect), becomes an `Unmapped` item, which the audit reports as a
failed read of the operation that answered it; it is never a traceback, and never a silently dropped resource.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from mlmarket.model import Resource, Stack, Unknown

# DescribeModel, DescribeEndpointConfig, ... : which mlmarket resource each response becomes.
MODEL = "model"
ENDPOINT_CONFIG = "endpoint_config"
ENDPOINT = "endpoint"
MODEL_PACKAGE = "model_package"
ALGORITHM = "algorithm"
TRAINING_JOB = "training_job"
HYPER_PARAMETER_TUNING_JOB = "hyper_parameter_tuning_job"
PIPELINE = "pipeline"
TRANSFORM_JOB = "transform_job"
ECR_REPOSITORY = "ecr_repository"
ECR_IMAGE = "ecr_image"
S3_BUCKET = "s3_bucket"

ECR_IMAGE_TYPE = "aws_ecr_image"
"""The audit's own resource type for one image in ECR (size and scan findings; CKV_MLM_018, CKV_MLM_019).

Terraform has a data source of that name, never a managed resource: the rules judge only managed ones."""

_DROPPED_KEYS = frozenset(
    {"Environment", "HyperParameters", "StaticHyperParameters", "Tags", "CustomerMetadataProperties"}
)
# S3 locations of model artifacts and validation inputs, the URIs CKV_MLM_005 judges.
_S3_URI_KEYS = frozenset({"ModelDataUrl", "S3Uri"})
# GetBucketLocation answers null for us-east-1 and the legacy "EU" for eu-west-1.
_LEGACY_LOCATIONS = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}
_COMPLETED_SCAN_STATUSES = frozenset({"COMPLETE", "ACTIVE"})


# The operation whose answer each kind of Collected holds (an ECR image: its DescribeImages detail).
SOURCES: dict[str, tuple[str, str]] = {
    MODEL: ("sagemaker", "DescribeModel"),
    ENDPOINT_CONFIG: ("sagemaker", "DescribeEndpointConfig"),
    ENDPOINT: ("sagemaker", "DescribeEndpoint"),
    MODEL_PACKAGE: ("sagemaker", "DescribeModelPackage"),
    ALGORITHM: ("sagemaker", "DescribeAlgorithm"),
    TRAINING_JOB: ("sagemaker", "DescribeTrainingJob"),
    ECR_REPOSITORY: ("ecr", "DescribeRepositories"),
    ECR_IMAGE: ("ecr", "DescribeImages"),
    S3_BUCKET: ("s3", "GetBucketLocation"),
}


class MalformedResponse(Exception):
    """An answer the audit cannot use: its body does not fit the operation, it lacks what the audit needs, or a
    listing does not end. The message is what the report lists for the read: it names fields and types, never a
    value of the response (values may be secrets)."""


class Unmapped(NamedTuple):
    """A response `build_stack` could not map: a failed read of that item (the fields of audit.Unreadable)."""

    region: str
    service: str
    operation: str
    error_code: str


def malformed(error: BaseException) -> str:
    """What the report says of an answer that could not be used, from the exception it raised: the field at
    fault or the kind of error, never the message of an arbitrary exception (it may quote a value)."""
    if isinstance(error, MalformedResponse):
        return f"malformed response: {error}"
    if isinstance(error, KeyError) and error.args and isinstance(error.args[0], str):
        return f"malformed response: no {error.args[0]}"
    return f"malformed response: {type(error).__name__}"


@dataclass(frozen=True)
class Collected:
    """One Describe* response (or, for an ECR image, its DescribeImages detail and scan), and where it was read."""

    kind: str
    region: str
    response: dict[str, Any]


@dataclass(frozen=True)
class _Shape:
    resource_type: str
    arn_field: str
    name_field: str
    # API field -> attribute name; every other field of the response is left out.
    fields: dict[str, str]


_SHAPES = {
    MODEL: _Shape(
        "aws_sagemaker_model",
        "ModelArn",
        "ModelName",
        {
            "ModelName": "name",
            "PrimaryContainer": "primary_container",
            "Containers": "container",
            "EnableNetworkIsolation": "enable_network_isolation",
            "ExecutionRoleArn": "execution_role_arn",
        },
    ),
    ENDPOINT_CONFIG: _Shape(
        "aws_sagemaker_endpoint_configuration",
        "EndpointConfigArn",
        "EndpointConfigName",
        {
            "EndpointConfigName": "name",
            "ProductionVariants": "production_variants",
            "ShadowProductionVariants": "shadow_production_variants",
            "AsyncInferenceConfig": "async_inference_config",
        },
    ),
    ENDPOINT: _Shape(
        "aws_sagemaker_endpoint",
        "EndpointArn",
        "EndpointName",
        {"EndpointName": "name", "EndpointConfigName": "endpoint_config_name"},
    ),
    MODEL_PACKAGE: _Shape(
        "awscc_sagemaker_model_package",
        "ModelPackageArn",
        "ModelPackageName",
        {
            "ModelPackageName": "model_package_name",
            "ModelPackageGroupName": "model_package_group_name",
            "InferenceSpecification": "inference_specification",
            "SourceAlgorithmSpecification": "source_algorithm_specification",
            "ValidationSpecification": "validation_specification",
            "CertifyForMarketplace": "certify_for_marketplace",
            "SkipModelValidation": "skip_model_validation",
            "ModelPackageStatus": "model_package_status",
        },
    ),
    ALGORITHM: _Shape(
        "awscc_sagemaker_algorithm",
        "AlgorithmArn",
        "AlgorithmName",
        {
            "AlgorithmName": "algorithm_name",
            "TrainingSpecification": "training_specification",
            "InferenceSpecification": "inference_specification",
            "ValidationSpecification": "validation_specification",
            "CertifyForMarketplace": "certify_for_marketplace",
            "AlgorithmStatus": "algorithm_status",
        },
    ),
    TRAINING_JOB: _Shape(
        "aws_sagemaker_training_job",
        "TrainingJobArn",
        "TrainingJobName",
        {
            "TrainingJobName": "training_job_name",
            "AlgorithmSpecification": "algorithm_specification",
            "ResourceConfig": "resource_config",
            "StoppingCondition": "stopping_condition",
            "EnableNetworkIsolation": "enable_network_isolation",
            "EnableManagedSpotTraining": "enable_managed_spot_training",
            "TrainingJobStatus": "training_job_status",
        },
    ),
    HYPER_PARAMETER_TUNING_JOB: _Shape(
        "aws_sagemaker_hyper_parameter_tuning_job",
        "HyperParameterTuningJobArn",
        "HyperParameterTuningJobName",
        {
            "HyperParameterTuningJobName": "name",
            "TrainingJobDefinition": "training_job_definition",
            "TrainingJobDefinitions": "training_job_definitions",
            "HyperParameterTuningJobStatus": "hyper_parameter_tuning_job_status",
        },
    ),
    PIPELINE: _Shape(
        "aws_sagemaker_pipeline",
        "PipelineArn",
        "PipelineName",
        {
            "PipelineName": "pipeline_name",
            "PipelineDisplayName": "pipeline_display_name",
            # The JSON text as it is: the pipeline model parses it (mlmarket.model.pipeline).
            "PipelineDefinition": "pipeline_definition",
            "PipelineDefinitionS3Location": "pipeline_definition_s3_location",
        },
    ),
    ECR_REPOSITORY: _Shape(
        "aws_ecr_repository",
        "repositoryArn",
        "repositoryName",
        {
            "repositoryName": "name",
            "repositoryUri": "repository_url",
            "imageScanningConfiguration": "image_scanning_configuration",
            "imageTagMutability": "image_tag_mutability",
        },
    ),
}

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """`VolumeSizeInGB` -> `volume_size_in_gb`, `S3Uri` -> `s3_uri`, `scanOnPush` -> `scan_on_push`."""
    return _WORD_BOUNDARY.sub("_", name).lower()


def plan_shaped(value: Any, *, as_blocks: bool) -> Any:
    """An API value in plan shape: snake_case keys, no empty values, objects as block lists when `as_blocks`."""
    if isinstance(value, dict):
        shaped: dict[str, Any] = {}
        for key, item in value.items():
            if key in _DROPPED_KEYS or _is_empty(item):
                continue
            converted = plan_shaped(item, as_blocks=as_blocks)
            shaped[snake_case(key)] = [converted] if as_blocks and isinstance(item, dict) else converted
        return shaped
    if isinstance(value, list):
        return [plan_shaped(item, as_blocks=as_blocks) for item in value if not _is_empty(item)]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _is_empty(value: Any) -> bool:
    # DescribeModel answers `PrimaryContainer: {}` for a model built from `Containers`: that is no container.
    return value is None or value == {} or value == []


def build_stack(
    collected: Iterable[Collected],
    *,
    account: str | None,
    partition: str,
    publishing_region: str | None = None,
    image_size_budget_gib: float | None = None,
) -> tuple[Stack, list[Unmapped]]:
    """One stack for the whole audit (every region); the audited account is the seller account. With it, the
    responses that could not be mapped: each is a failed read, never a resource left out in silence."""
    resources: list[Resource] = []
    unmapped: list[Unmapped] = []
    for item in collected:
        try:
            resources.append(
                to_resource(item, account=account, partition=partition, image_size_budget_gib=image_size_budget_gib)
            )
        except Exception as error:  # any answer of a shape this module cannot map: that read failed
            service, operation = SOURCES.get(item.kind, ("?", item.kind))
            unmapped.append(Unmapped(item.region, service, operation, malformed(error)))
    resources.sort(key=lambda r: (str(r.region), r.type, r.address))
    source = f"AWS account {account}" if account else "AWS account (unknown: sts:GetCallerIdentity failed)"
    stack = Stack(
        source=source,
        resources=resources,
        default_region=None,
        seller_account=account,
        publishing_region=publishing_region,
    )
    return stack, unmapped


def to_resource(
    item: Collected, *, account: str | None, partition: str, image_size_budget_gib: float | None = None
) -> Resource:
    """The resource of one response; raises (MalformedResponse, KeyError, TypeError...) when it cannot be mapped."""
    if not isinstance(item.response, dict):
        raise MalformedResponse("the answer is not an object")
    if item.kind == ECR_IMAGE:
        return _ecr_image(item, account, image_size_budget_gib)
    if item.kind == S3_BUCKET:
        return _s3_bucket(item, account, partition)
    shape = _SHAPES[item.kind]
    return Resource(
        address=required_text(item.response, shape.arn_field),
        type=shape.resource_type,
        name=required_text(item.response, shape.name_field),
        attributes=_attributes(shape, item.response),
        region=item.region,
        provider=shape.resource_type.split("_", 1)[0],
        account=account,
    )


def _attributes(shape: _Shape, body: dict[str, Any]) -> dict[str, Any]:
    as_blocks = shape.resource_type.startswith("aws_")
    return {
        attribute: _attribute(body[field], as_blocks)
        for field, attribute in shape.fields.items()
        if not _is_empty(body.get(field))
    }


REQUEST_KINDS: dict[str, str] = {
    "CreateModelPackage": MODEL_PACKAGE,
    "CreateAlgorithm": ALGORITHM,
    "CreateModel": MODEL,
    "CreateEndpointConfig": ENDPOINT_CONFIG,
    "CreateTrainingJob": TRAINING_JOB,
    "CreateHyperParameterTuningJob": HYPER_PARAMETER_TUNING_JOB,
    "CreateTransformJob": TRANSFORM_JOB,
    "CreatePipeline": PIPELINE,
}
"""The SageMaker create operations whose requests mlmarket judges, and the kind of resource each one creates."""

TRANSFORM_STEP_TYPE = "Transform"
_PIPELINE_RESOURCE_TYPE = "aws_sagemaker_pipeline"
# The schema version of the pipeline definitions SageMaker takes today (it has had no other).
_PIPELINE_SCHEMA_VERSION = "2020-12-01"


def request_resource(
    operation: str, params: dict[str, Any], *, address: str, region: str | Unknown, account: str | None = None
) -> Resource:
    """The resource a Create* request (already valid for the operation's input shape) would create, as the rules
    see it; `address` names the request (a file, a call). KeyError for an operation not in REQUEST_KINDS."""
    kind = REQUEST_KINDS[operation]
    if kind == TRANSFORM_JOB:
        return Resource(
            address=address,
            type=_PIPELINE_RESOURCE_TYPE,
            name=request_name(operation, params) or address,
            attributes={"pipeline_definition": transform_job_pipeline(params)},
            region=region,
            account=account,
        )
    shape = _SHAPES[kind]
    attributes = _attributes(shape, params)
    if kind == PIPELINE and "pipeline_definition" not in attributes and "pipeline_definition_s3_location" in attributes:
        # Reading the object would be a network call: the steps are unknown, never judged as absent.
        attributes["pipeline_definition"] = Unknown(
            "the pipeline definition is in S3 (PipelineDefinitionS3Location), which a request check does not read"
        )
    return Resource(
        address=address,
        type=shape.resource_type,
        name=request_name(operation, params) or address,
        attributes=attributes,
        region=region,
        provider=shape.resource_type.split("_", 1)[0],
        account=account,
    )


def transform_job_pipeline(params: dict[str, Any]) -> dict[str, Any]:
    """A CreateTransformJob request as the pipeline definition of one Transform step: a Transform step's
    arguments are that request, so the rules that judge Transform steps judge the job."""
    arguments = {key: value for key, value in params.items() if key not in _DROPPED_KEYS}
    step = {"Name": request_name("CreateTransformJob", params), "Type": TRANSFORM_STEP_TYPE, "Arguments": arguments}
    return {"Version": _PIPELINE_SCHEMA_VERSION, "Steps": [step]}


def request_name(operation: str, params: dict[str, Any]) -> str | None:
    """The name a Create* request gives what it creates (a versioned model package: its group's), if any."""
    kind = REQUEST_KINDS[operation]
    field = "TransformJobName" if kind == TRANSFORM_JOB else _SHAPES[kind].name_field
    name = params.get(field)
    if name is None and kind == MODEL_PACKAGE:
        name = params.get("ModelPackageGroupName")
    return name if isinstance(name, str) and name else None


def renamed_request_fields(operation: str) -> dict[str, str]:
    """attribute -> request field, for the top-level fields the mapping does not merely snake_case
    (`container` <- `Containers`, `name` <- `ModelName`): how a message's attribute path reads in the request."""
    kind = REQUEST_KINDS[operation]
    if kind == TRANSFORM_JOB:
        return {}
    return {
        attribute: field for field, attribute in _SHAPES[kind].fields.items() if snake_case(field) != attribute
    }


def required_text(response: Any, field: str) -> str:
    """A field the audit cannot go without (an ARN, a name, an identifier for the next call): a non-empty string,
    else MalformedResponse."""
    value = response.get(field) if isinstance(response, dict) else None
    if value is None:
        raise MalformedResponse(f"no {field}")
    if not isinstance(value, str):
        raise MalformedResponse(f"{field} is not a string")
    if not value:
        raise MalformedResponse(f"{field} is empty")
    return value


def _attribute(value: Any, as_blocks: bool) -> Any:
    shaped = plan_shaped(value, as_blocks=as_blocks)
    return [shaped] if as_blocks and isinstance(value, dict) else shaped


def _ecr_image(item: Collected, account: str | None, budget_gib: float | None) -> Resource:
    detail = item.response
    digest = required_text(detail, "imageDigest")
    repository = required_text(detail, "repositoryName")
    image_uri = f"{required_text(detail, 'repositoryUri')}@{digest}"
    status, counts = scan_result(detail)
    attributes: dict[str, Any] = {
        "image_uri": image_uri,
        "repository_name": repository,
        "image_digest": digest,
        "image_tags": list(detail.get("imageTags") or []),
        "image_size_in_bytes": detail.get("imageSizeInBytes"),
        "scan_status": status,
        "scan_finding_counts": counts,
    }
    if budget_gib is not None:
        attributes["image_size_budget_gib"] = budget_gib
    return Resource(
        address=image_uri,
        type=ECR_IMAGE_TYPE,
        name=f"{repository}@{digest}",
        attributes=attributes,
        region=item.region,
        account=account,
    )


def scan_result(detail: dict[str, Any]) -> tuple[str | Unknown | None, dict[str, int] | Unknown | None]:
    """(scan status, finding counts by severity) of an image: from its DescribeImageScanFindings answer (`scan`)
    when `fetch` asked for one, else from the summary DescribeImages gives; (None, None) when never scanned."""
    if "scanError" in detail:
        failed = Unknown(f"DescribeImageScanFindings failed ({detail['scanError']})")
        return failed, failed
    scan = detail.get("scan")
    if scan is not None:
        status = (scan.get("imageScanStatus") or {}).get("status")
        findings = scan.get("imageScanFindings") or {}
    else:
        status = (detail.get("imageScanStatus") or {}).get("status")
        findings = detail.get("imageScanFindingsSummary") or {}
    if status is None:
        return None, None
    counts = findings.get("findingSeverityCounts")
    if counts is None and status in _COMPLETED_SCAN_STATUSES:
        counts = {}  # a completed scan that found nothing lists no severities
    return status, dict(counts) if counts is not None else None


def needs_scan_findings(detail: dict[str, Any]) -> bool:
    """DescribeImages summarizes a completed scan; only images without that summary need DescribeImageScanFindings."""
    return "imageScanFindingsSummary" not in detail


def _s3_bucket(item: Collected, account: str | None, partition: str) -> Resource:
    name = item.response["Bucket"]
    location = item.response.get("LocationConstraint")
    region = _LEGACY_LOCATIONS.get(location, location)
    return Resource(
        address=f"arn:{partition}:s3:::{name}",
        type="aws_s3_bucket",
        name=name,
        attributes={"bucket": name},
        region=region,
        account=account,
    )


def referenced_buckets(collected: Iterable[Collected]) -> set[str]:
    """The buckets that `s3://` model artifact and validation input URIs name (an https URL names its region)."""
    buckets: set[str] = set()
    for item in collected:
        if item.kind in (MODEL, MODEL_PACKAGE, ALGORITHM):
            for uri in _values_of(item.response, _S3_URI_KEYS):
                try:
                    parts = urlsplit(uri)
                except ValueError:
                    continue  # not a URL: no bucket to read (the rules judge the URI itself)
                if parts.scheme.lower() == "s3" and parts.netloc:
                    buckets.add(parts.netloc)
    return buckets


def _values_of(value: Any, keys: frozenset[str]) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys and isinstance(item, str):
                yield item
            elif key not in _DROPPED_KEYS:
                yield from _values_of(item, keys)
    elif isinstance(value, list):
        for item in value:
            yield from _values_of(item, keys)
