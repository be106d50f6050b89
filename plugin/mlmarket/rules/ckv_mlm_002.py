"""CKV_MLM_002: container images live in private Amazon ECR."""

from __future__ import annotations

from mlmarket import images
from mlmarket.model import Finding, Resource, Stack, Unknown, as_str, module_prefix
from mlmarket.model.containers import IMAGE_RESOURCE_TYPES
from mlmarket.rules._container_images import ImageUse, resolved_images, unreadable_images
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown, worst

_VPC_ACCESS_MODE = "Vpc"
_ECR_PUBLIC_REPOSITORY = "aws_ecrpublic_repository"


class CKV_MLM_002(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_002",
        title="Container images are stored in private Amazon ECR",
        severity="CRITICAL",
        guide_section="Service restrictions and quotas for machine learning products: Docker images and AWS accounts",
        risk=(
            "Marketplace publishes only images stored in a private Amazon ECR repository: an image on "
            "Docker Hub, Amazon ECR Public, GHCR or any other registry, or one pulled from a private "
            "registry in a VPC (repository access mode `Vpc`), cannot be listed, and the model package "
            "or algorithm fails to publish."
        ),
        remediation=(
            "Push the image to a private ECR repository in the seller's account and reference it from "
            "there, with the default `Platform` repository access mode:\n\n"
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
        uses = resolved_images(resource, stack)
        if isinstance(uses, Unknown):
            return unreadable_images(resource, uses)
        if not uses:
            return None
        findings: list[Finding] = []
        for use in uses:
            findings.append(_judge_registry(use, resource, stack))
            access = _judge_access_mode(use)
            if access is not None:
                findings.append(access)
        return worst(findings, "every container image is in private Amazon ECR")


def _judge_registry(use: ImageUse, resource: Resource, stack: Stack) -> Finding:
    image = use.image
    if image.kind == images.PRIVATE_ECR:
        return passed(f"{use.where} is in private Amazon ECR")
    if image.unknown is not None:
        target = stack.referenced(image.unknown.references, module_prefix(resource.address))
        if target is not None and target.type == _ECR_PUBLIC_REPOSITORY:
            return failed(
                f"{use.field.path} comes from {target.address}, an Amazon ECR Public repository; "
                "Marketplace accepts only images in private Amazon ECR"
            )
        return unknown(f"{use.field.path} cannot be resolved: {image.unknown.reason}")
    registry = images.describe_kind(images.parse_image(image.text))
    return failed(
        f"{use.field.path} {image.text!r} is hosted on {registry}; "
        "Marketplace accepts only images in private Amazon ECR"
    )


def _judge_access_mode(use: ImageUse) -> Finding | None:
    mode = as_str(use.field.repository_access_mode)
    if isinstance(mode, Unknown):
        return unknown(f"the repository access mode of {use.field.path} cannot be resolved: {mode.reason}")
    if mode == _VPC_ACCESS_MODE:
        return failed(
            f"{use.field.path} is pulled with repository access mode 'Vpc' (a private registry in a VPC); "
            "Marketplace accepts only images pulled from private Amazon ECR (mode 'Platform')"
        )
    return None
