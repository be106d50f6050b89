"""CKV_MLM_006: one region for the whole publishing stack (SageMaker, ECR and S3 resources)."""

from __future__ import annotations

from mlmarket.model import Finding, Resource, Stack, Unknown
from mlmarket.rules._resource_scopes import PUBLISHING_STACK_TYPES
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown


class CKV_MLM_006(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_006",
        title="Every SageMaker, ECR and S3 resource of the publishing stack is in one region",
        severity="HIGH",
        guide_section=(
            "Service restrictions and quotas for machine learning products: Supported AWS Regions for publishing"
        ),
        risk=(
            "A Marketplace model package or algorithm is published from one region, and SageMaker uses images "
            "and artifacts only from that region: a repository, bucket or SageMaker resource in another region "
            "breaks validation, or leaves the listing pointing at resources buyers cannot use."
        ),
        remediation=(
            "Create every resource of the product with the provider of the publishing region (or set "
            "`publishing_region` in `.mlmarket.yaml` to the region you publish from):\n\n"
            '```hcl\nprovider "aws" {\n  region = "us-east-1"\n}\n\n'
            'resource "aws_ecr_repository" "model" {\n  name = "my-model"  # default provider: us-east-1\n}\n```'
        ),
        resource_types=PUBLISHING_STACK_TYPES,
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        if resource.mode != "managed":
            return None
        region = resource.region
        if isinstance(region, Unknown):
            return unknown(f"the region of this resource is unknown: {region.reason}")
        reference = stack.reference_region
        if reference is None:
            return unknown(
                "the publishing region is unknown: no SageMaker resource has a known region and the default "
                "aws provider sets none; set `publishing_region` in .mlmarket.yaml or --publishing-region"
            )
        doubt = stack.reference_region_doubt
        if doubt is not None:
            return unknown(
                f"the publishing region is not certain: {doubt}; set `publishing_region` in .mlmarket.yaml or "
                "--publishing-region"
            )
        if region != reference:
            return failed(
                f"this resource is in {region}, not in the publishing region {reference} "
                f"({stack.reference_region_origin})"
            )
        return passed(f"this resource is in the publishing region {reference}")
