"""CKV_MLM_005: model artifacts and validation inputs in the region of the resource that uses them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlmarket.model import Finding, Resource, Stack, Unknown, blocks
from mlmarket.rules._s3_locations import bucket_region
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown, worst

_MODEL_TYPES = ("aws_sagemaker_model", "awscc_sagemaker_model")
_PACKAGE_TYPE = "awscc_sagemaker_model_package"
_ALGORITHM_TYPES = ("aws_sagemaker_algorithm", "awscc_sagemaker_algorithm")

# Where each S3 URI sits: the attribute path from the resource down to the URI.
_MODEL_DATA = ("model_data_url", "model_data_source.s3_data_source.s3_uri")
_VALIDATION = "validation_specification.validation_profiles"
_URI_PATHS = {
    **dict.fromkeys(
        _MODEL_TYPES,
        tuple(
            f"{containers}.{field}"
            for containers in ("primary_container", "container", "containers")
            for field in _MODEL_DATA
        ),
    ),
    _PACKAGE_TYPE: (
        *(f"inference_specification.containers.{field}" for field in _MODEL_DATA),
        *(f"source_algorithm_specification.source_algorithms.{field}" for field in _MODEL_DATA),
        f"{_VALIDATION}.transform_job_definition.transform_input.data_source.s3_data_source.s3_uri",
    ),
    **dict.fromkeys(
        _ALGORITHM_TYPES,
        (
            *(f"inference_specification.containers.{field}" for field in _MODEL_DATA),
            f"{_VALIDATION}.transform_job_definition.transform_input.data_source.s3_data_source.s3_uri",
            f"{_VALIDATION}.training_job_definition.input_data_config.data_source.s3_data_source.s3_uri",
        ),
    ),
}


class CKV_MLM_005(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_005",
        title="Model artifacts and validation data are in the same region as the resource that uses them",
        severity="HIGH",
        guide_section=(
            "Service restrictions and quotas for machine learning products: Supported AWS Regions "
            "for publishing (model artifacts in the same Region)"
        ),
        risk=(
            "SageMaker reads model artifacts and validation data only from S3 buckets in the resource's own "
            "region: a model, model package or algorithm pointing at a bucket elsewhere fails to create, and "
            "the Marketplace validation job fails at publish time."
        ),
        remediation=(
            "Keep the artifacts in a bucket of the resource's region, created by the same provider:\n\n"
            '```hcl\nresource "aws_s3_bucket" "artifacts" {\n  bucket = "my-model-artifacts-us-east-1"\n}\n\n'
            'resource "aws_sagemaker_model" "this" {\n  # ...\n  primary_container {\n'
            '    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/my-model:1.0"\n'
            '    model_data_url = "s3://${aws_s3_bucket.artifacts.bucket}/model/model.tar.gz"\n  }\n}\n```'
        ),
        resource_types=(*_MODEL_TYPES, _PACKAGE_TYPE, *_ALGORITHM_TYPES),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding:
        region = resource.region
        if isinstance(region, Unknown):
            return unknown(f"the region of this resource is unknown: {region.reason}")
        findings: list[Finding] = []
        for uri_path in _URI_PATHS[resource.type]:
            for path, value in _values_at(resource.attributes, "", tuple(uri_path.split("."))):
                findings.append(_judge_location(path, value, region, resource, stack))
        if not findings:
            return passed("sets no S3 model artifact or validation input")
        return worst(findings, f"every model artifact and validation input is in {region}")


def _judge_location(path: str, value: Any, region: str, resource: Resource, stack: Stack) -> Finding:
    located = bucket_region(value, resource, stack)
    if isinstance(located, Unknown):
        return unknown(f"{path}: {located.reason}")
    if located.region != region:
        return failed(
            f"{path} is in bucket {located.bucket!r} in {located.region} (from {located.source}), "
            f"not in {region}, the region of this resource"
        )
    return passed(f"{path} is in {region}")


def _values_at(node: dict[str, Any], path: str, chain: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """Every value set at `chain` below `node`, with its path; a block that cannot be read yields its Unknown."""
    key, rest = chain[0], chain[1:]
    value = node.get(key)
    here = f"{path}.{key}" if path else key
    if not rest:
        if value is not None:
            yield here, value
        return
    found = blocks(value)
    if isinstance(found, Unknown):
        # Without its references: the block's expression says nothing about which bucket a URI inside names.
        yield here, Unknown(f"the block cannot be read before apply ({found.reason})")
        return
    for index, block in enumerate(found):
        # Indexes only where they tell blocks apart: readers give a single block as a dict or a one-item list.
        yield from _values_at(block, f"{here}[{index}]" if len(found) > 1 else here, rest)
