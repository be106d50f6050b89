"""CKV_MLM_004: each container image is in the region of the resource that uses it."""

from __future__ import annotations

from mlmarket.model import Finding, Resource, Stack, Unknown
from mlmarket.model.containers import IMAGE_RESOURCE_TYPES
from mlmarket.rules._container_images import ImageUse, judge_private_ecr_images
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown


class CKV_MLM_004(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_004",
        title="Container images are in the same AWS Region as the resource that uses them",
        severity="HIGH",
        guide_section="Service restrictions and quotas for machine learning products: Docker images and AWS accounts",
        risk=(
            "SageMaker pulls a container image only from an ECR registry in its own region, and a "
            "Marketplace listing is published from one region. An image in another region makes model, "
            "training job and model package creation fail, and with it the publish-time validation."
        ),
        remediation=(
            "Push (or replicate) the image to a repository in the region of the SageMaker resource, and "
            "create both through the same provider configuration:\n\n"
            '```hcl\nresource "aws_ecr_repository" "model" {\n  name = "my-model"\n}\n\n'
            'resource "aws_sagemaker_model" "this" {\n'
            '  name                     = "my-model"\n'
            "  execution_role_arn       = aws_iam_role.sagemaker.arn\n"
            "  enable_network_isolation = true\n\n"
            "  primary_container {\n"
            '    image = "${aws_ecr_repository.model.repository_url}:1.0"\n'
            "  }\n}\n```"
        ),
        resource_types=IMAGE_RESOURCE_TYPES,
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        return judge_private_ecr_images(
            resource,
            stack,
            lambda use: _judge(use, resource.region),
            "every private ECR image is in the region of the resource",
        )


def _judge(use: ImageUse, resource_region: str | Unknown | None) -> Finding:
    image_region = use.image.region
    if not isinstance(image_region, str):
        return unknown(f"the region of {use.where} cannot be resolved{_reason(image_region)}")
    if not isinstance(resource_region, str):
        return unknown(f"the region of the resource cannot be resolved{_reason(resource_region)}")
    if image_region != resource_region:
        return failed(
            f"{use.where} is in {image_region}, but the resource is in {resource_region}; "
            "SageMaker pulls images only from ECR in its own region"
        )
    return passed(f"{use.where} is in {resource_region}, the region of the resource")


def _reason(value: Unknown | None) -> str:
    return f": {value.reason}" if isinstance(value, Unknown) else ""
