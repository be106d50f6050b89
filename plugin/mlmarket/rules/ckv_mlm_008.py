"""CKV_MLM_008: no asynchronous inference."""

from __future__ import annotations

from mlmarket.model import Finding, Resource, Stack, Unknown, is_present
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown


class CKV_MLM_008(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_008",
        title="Endpoint configurations serve real-time inference, not asynchronous inference",
        severity="HIGH",
        guide_section="Service restrictions and quotas for machine learning products: Asynchronous inference",
        risk=(
            "Marketplace model packages deploy only to real-time endpoints and batch transform; an endpoint "
            "configuration with async_inference_config is rejected when it serves a Marketplace model package."
        ),
        remediation=(
            "Remove `async_inference_config` and serve the model in real time (or with batch transform for "
            "large payloads):\n\n"
            '```hcl\nresource "aws_sagemaker_endpoint_configuration" "this" {\n  name = "my-model"\n\n'
            "  production_variants {\n"
            '    variant_name           = "primary"\n'
            "    model_name             = aws_sagemaker_model.this.name\n"
            '    instance_type          = "ml.m5.xlarge"\n'
            "    initial_instance_count = 1\n  }\n}\n```"
        ),
        resource_types=("aws_sagemaker_endpoint_configuration",),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding:
        config = resource.get("async_inference_config")
        if isinstance(config, Unknown):
            return unknown(f"async_inference_config cannot be read before apply: {config.reason}")
        if is_present(config):
            return failed(
                "async_inference_config is set; Marketplace model packages support only real-time "
                "and batch transform inference"
            )
        return passed("no async_inference_config")
