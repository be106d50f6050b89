"""CKV_MLM_007: every SageMaker resource is in a region where Marketplace publishes ML products."""

from __future__ import annotations

from mlmarket import limits
from mlmarket.model import Finding, Resource, Stack, Unknown
from mlmarket.rules._resource_scopes import SAGEMAKER_TYPES
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown


class CKV_MLM_007(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_007",
        title="SageMaker resources are in a region that supports Marketplace publishing",
        severity="HIGH",
        guide_section=(
            "Service restrictions and quotas for machine learning products: Supported AWS Regions for publishing"
        ),
        risk=(
            "AWS Marketplace publishes model packages and algorithms only from the regions every account has "
            "enabled by default; a product built in an opt-in region (af-south-1, me-south-1, ...) cannot be "
            "listed, and its SageMaker resources have to be rebuilt elsewhere."
        ),
        remediation=(
            "Build the product in a publishing region (`mlmarket limits` lists them):\n\n"
            '```hcl\nprovider "aws" {\n  region = "us-east-1"\n}\n```'
        ),
        resource_types=SAGEMAKER_TYPES,
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        if resource.mode != "managed":
            return None
        region = resource.region
        if isinstance(region, Unknown):
            return unknown(f"the region of this resource is unknown: {region.reason}")
        if not limits.is_publishing_region(region):
            return failed(
                f"{region} is not one of the {len(limits.publishing_regions())} regions AWS Marketplace "
                "publishes machine learning products from"
            )
        return passed(f"{region} supports Marketplace publishing")
