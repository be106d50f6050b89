"""CKV_MLM_003: container images live in the seller's own AWS account."""

from __future__ import annotations

from mlmarket.model import SELLER_ACCOUNT_HINT, Finding, Resource, Stack, Unknown
from mlmarket.model.containers import IMAGE_RESOURCE_TYPES
from mlmarket.rules._container_images import ImageUse, judge_private_ecr_images
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown

_PREBUILT = "prebuilt"


class CKV_MLM_003(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_003",
        title="Container images are in the seller's own Amazon ECR registry",
        severity="CRITICAL",
        guide_section="Service restrictions and quotas for machine learning products: Docker images and AWS accounts",
        risk=(
            "Marketplace publishes only images stored in ECR repositories owned by the seller's AWS "
            "account. An image in another account's registry (a partner's, a shared tooling account's, "
            "or an AWS-owned one) makes the model package or algorithm fail to publish."
        ),
        remediation=(
            "Copy the image into a repository of the seller account (the account that publishes the "
            "listing), in the region of the resource, and reference it from there:\n\n"
            '```hcl\nprovider "aws" {\n  region              = "us-east-1"\n'
            '  allowed_account_ids = ["111122223333"] # the seller account\n}\n\n'
            'resource "aws_ecr_repository" "model" {\n  name = "my-model"\n}\n\n'
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
            lambda use: _judge(use, stack.seller_account),
            f"every private ECR image is in the seller account {stack.seller_account}",
        )


def _judge(use: ImageUse, seller: str | None) -> Finding:
    account = use.image.account
    if use.image.origin == _PREBUILT:
        return failed(
            f"{use.where} is an AWS-owned SageMaker image, never in the seller's account; "
            "Marketplace publishes only images from the seller's own ECR registry"
        )
    if not isinstance(account, str):
        reason = f": {account.reason}" if isinstance(account, Unknown) else ""
        return unknown(f"{use.where} is in an unknown account{reason}")
    if seller is None:
        return unknown(f"{use.where} is in account {account}, and no seller account is set: {SELLER_ACCOUNT_HINT}")
    if account != seller:
        return failed(
            f"{use.where} is in account {account}, not the seller account {seller}; "
            "Marketplace publishes only images from the seller's own ECR registry"
        )
    return passed(f"{use.where} is in the seller account {seller}")
