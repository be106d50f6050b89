"""CKV_MLM_013: the product ships the seller's own image, not an AWS built-in algorithm or Deep Learning Container."""

from __future__ import annotations

from mlmarket import limits
from mlmarket.model import Finding, Resource, Stack
from mlmarket.model.containers import IMAGE_RESOURCE_TYPES
from mlmarket.rules._container_images import ImageUse, judge_private_ecr_images
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed

_PREBUILT = "prebuilt"
_IN_CONFIG_REPOSITORY = "aws_ecr_repository"
_REQUIREMENT = "Marketplace does not list AWS built-in algorithms or Deep Learning Containers as a seller's product"


class CKV_MLM_013(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_013",
        title="Container images are the seller's own, not AWS built-in algorithm or Deep Learning Container images",
        severity="HIGH",
        guide_section=(
            "Service restrictions and quotas for machine learning products: Publishing model packages "
            "from built-in algorithms or AWS Marketplace"
        ),
        risk=(
            "Model packages built on SageMaker built-in algorithms or AWS Deep Learning Containers run "
            "an image from an AWS-owned registry; Marketplace refuses to publish them. A product that "
            "uses such an image must rebuild it as the seller's own image in the seller's ECR registry."
        ),
        remediation=(
            "Build your own image (it may start `FROM` a Deep Learning Container), push it to a "
            "repository in the seller account, and reference that instead of the AWS image or the "
            "`aws_sagemaker_prebuilt_ecr_image` data source:\n\n"
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
        return judge_private_ecr_images(resource, stack, _judge, "every private ECR image is the seller's own")


def _judge(use: ImageUse) -> Finding:
    image = use.image
    if image.origin == _PREBUILT:
        return failed(f"{use.where} is a SageMaker prebuilt image from an AWS-owned registry; {_REQUIREMENT}")
    if image.origin == _IN_CONFIG_REPOSITORY:
        return passed(f"{use.where} is a repository this configuration creates")
    if isinstance(image.account, str):
        region = image.region if isinstance(image.region, str) else None
        # An AWS-owned account stays AWS-owned in a region the dataset does not list for it (yet).
        owner = limits.registry_owner(image.account, region) or limits.registry_owner(image.account)
        if owner is not None:
            return failed(f"{use.where} is in account {image.account}, an {owner}; {_REQUIREMENT}")
    return passed(f"{use.where} is not in an AWS-owned registry")
