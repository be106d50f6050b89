"""CKV_MLM_009: no serverless inference."""

from __future__ import annotations

from mlmarket.model import Finding, Resource, Stack, Unknown, blocks, is_present
from mlmarket.rules.base import Rule, RuleMetadata, failed, unknown, worst

_VARIANT_LISTS = ("production_variants", "shadow_production_variants")


class CKV_MLM_009(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_009",
        title="Endpoint configurations use instance-based variants, not serverless inference",
        severity="HIGH",
        guide_section="Service restrictions and quotas for machine learning products: Serverless inference",
        risk=(
            "Marketplace model packages deploy only to instance-based real-time endpoints and batch "
            "transform; a serverless variant is rejected when a buyer deploys the product."
        ),
        remediation=(
            "Replace `serverless_config` with an instance type and count:\n\n"
            '```hcl\nproduction_variants {\n  variant_name           = "primary"\n'
            "  model_name             = aws_sagemaker_model.this.name\n"
            '  instance_type          = "ml.m5.xlarge"\n  initial_instance_count = 1\n}\n```'
        ),
        resource_types=("aws_sagemaker_endpoint_configuration",),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding:
        findings = []
        for list_name in _VARIANT_LISTS:
            variants = blocks(resource.get(list_name))
            if isinstance(variants, Unknown):
                findings.append(unknown(f"{list_name} cannot be read before apply: {variants.reason}"))
                continue
            for index, variant in enumerate(variants):
                config = variant.get("serverless_config")
                if not is_present(config):
                    continue
                where = f"{list_name}[{index}]"
                name = variant.get("variant_name")
                if isinstance(name, str):
                    where += f" (variant {name!r})"
                if isinstance(config, Unknown):
                    findings.append(unknown(f"{where} serverless_config cannot be read before apply: {config.reason}"))
                else:
                    findings.append(
                        failed(f"{where} uses serverless_config; Marketplace supports only instance-based variants")
                    )
        return worst(findings, "no variant uses serverless inference")
