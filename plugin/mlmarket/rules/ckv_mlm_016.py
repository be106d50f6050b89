"""CKV_MLM_016: endpoint storage volume size allowed for the variant's instance type."""

from __future__ import annotations

from typing import Any

from mlmarket import limits
from mlmarket.model import Finding, Resource, Stack, Unknown, as_str
from mlmarket.rules._numeric_limits import (
    ENDPOINT_CONFIGURATION_TYPE,
    NotFinite,
    describe_number,
    limit_number,
    not_finite,
    variants,
)
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown, worst


class CKV_MLM_016(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_016",
        title=(
            f"Endpoint volume sizes are within {limits.ENDPOINT_VOLUME_MIN_GB}..{limits.ENDPOINT_VOLUME_MAX_GB} GB "
            "and unset on instances with NVMe storage"
        ),
        severity="HIGH",
        guide_section="Service restrictions and quotas for machine learning products: Storage size",
        risk=(
            "SageMaker attaches an EBS volume of `volume_size_in_gb` to each endpoint instance, within "
            f"{limits.ENDPOINT_VOLUME_MIN_GB}..{limits.ENDPOINT_VOLUME_MAX_GB} GB; instance families with local "
            "NVMe instance storage take no such volume. Either mistake makes endpoint creation fail."
        ),
        remediation=(
            "On an instance with NVMe instance storage (g4dn, g5, p4d, m5d, ...) leave `volume_size_in_gb` out; "
            f"elsewhere keep it within {limits.ENDPOINT_VOLUME_MIN_GB}..{limits.ENDPOINT_VOLUME_MAX_GB}:\n\n"
            '```hcl\nproduction_variants {\n  variant_name           = "primary"\n'
            "  model_name             = aws_sagemaker_model.this.name\n"
            '  instance_type          = "ml.g5.xlarge"\n  initial_instance_count = 1\n'
            "  # no volume_size_in_gb: g5 instances use their NVMe instance storage\n}\n```"
        ),
        resource_types=(ENDPOINT_CONFIGURATION_TYPE,),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding:
        findings = [
            unknown(entry.reason) if isinstance(entry, Unknown) else _judge_variant(*entry)
            for entry in variants(resource.attributes)
        ]
        return worst(findings, "every variant's volume size is allowed")


def _judge_variant(label: str, variant: dict[str, Any]) -> Finding:
    low, high = limits.ENDPOINT_VOLUME_MIN_GB, limits.ENDPOINT_VOLUME_MAX_GB
    volume = limit_number(variant.get("volume_size_in_gb"))
    if isinstance(volume, NotFinite):
        return not_finite(label, "volume_size_in_gb", volume)
    if volume is None:
        return passed(f"{label} sets no volume_size_in_gb")
    if isinstance(volume, Unknown):
        return unknown(f"{label} volume_size_in_gb cannot be checked: {volume.reason}")
    instance_type = as_str(variant.get("instance_type"))
    if isinstance(instance_type, str) and limits.has_nvme_storage(instance_type):
        return failed(
            f"{label} sets volume_size_in_gb = {describe_number(volume)} on {instance_type}, whose NVMe instance "
            "storage takes no volume_size_in_gb"
        )
    if not low <= volume <= high:
        return failed(f"{label} volume_size_in_gb is {describe_number(volume)}, outside the allowed {low}..{high} GB")
    if isinstance(instance_type, Unknown):
        return unknown(
            f"{label} sets volume_size_in_gb, but its instance_type cannot be known, so NVMe instance storage "
            f"cannot be ruled out: {instance_type.reason}"
        )
    return passed(f"{label} volume_size_in_gb is within {low}..{high} GB")
