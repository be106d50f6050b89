"""CKV_MLM_019: container images in ECR have no Critical or High scan findings (audit only)."""

from __future__ import annotations

from mlmarket.model import Finding, Resource, Stack, Unknown
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown

ECR_IMAGE_TYPE = "aws_ecr_image"
# ECR's severity names (basic and enhanced scanning) of the findings that block a listing.
BLOCKING_SEVERITIES = ("CRITICAL", "HIGH")
# A basic scan ends COMPLETE; an enhanced (Amazon Inspector) scan stays ACTIVE while it monitors the image.
COMPLETED_SCAN_STATUSES = ("COMPLETE", "ACTIVE")


class CKV_MLM_019(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_019",
        title="Container images in Amazon ECR have no Critical or High vulnerability findings",
        severity="HIGH",
        guide_section=(
            "Security and intellectual property with Amazon SageMaker: Protecting intellectual property "
            "(images are scanned for vulnerabilities before being published)"
        ),
        risk=(
            "AWS Marketplace scans every image of a model package or algorithm for vulnerabilities before it "
            "publishes the product, and keeps scanning listed products: an image with Critical or High findings "
            "is refused at publish time, or restricted for new buyers once listed."
        ),
        remediation=(
            "Rebuild the image on a patched base image with updated packages, push it, and let ECR scan it "
            "again; turn scanning on so every push is judged:\n\n"
            '```hcl\nresource "aws_ecr_repository" "model" {\n  name = "my-model"\n\n'
            "  image_scanning_configuration {\n    scan_on_push = true\n  }\n}\n```"
        ),
        resource_types=(ECR_IMAGE_TYPE,),
        sources=("audit",),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        if resource.mode != "managed":
            return None  # Terraform's `data "aws_ecr_image"`: the audit, not a scan, judges images
        status = resource.get("scan_status")
        counts = resource.get("scan_finding_counts")
        if isinstance(status, Unknown):
            return unknown(f"the scan findings cannot be read: {status.reason}")
        if status is None:
            return unknown(
                "the image has never been scanned; turn on scan_on_push for its repository (or start an image "
                "scan) so its findings can be judged"
            )
        if isinstance(counts, Unknown):
            return unknown(f"the scan findings cannot be read: {counts.reason}")
        blocking: dict[str, int] = {}
        unreadable: list[str] = []
        for severity in BLOCKING_SEVERITIES:
            count = counts.get(severity) if isinstance(counts, dict) else None
            if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
                if count > 0:
                    blocking[severity] = count
            elif count is not None:
                reason = count.reason if isinstance(count, Unknown) else f"{count!r} is not a count"
                unreadable.append(f"the {severity.title()} finding count cannot be read: {reason}")
        if blocking:
            found = " and ".join(f"{count} {severity.title()}" for severity, count in blocking.items())
            noun = "finding" if sum(blocking.values()) == 1 else "findings"
            return failed(
                f"the image scan ({status}) found {found} {noun}; Marketplace refuses images with Critical or "
                "High vulnerabilities"
            )
        if unreadable:
            # A count the scanner cannot give may hide a blocking finding: never read it as none.
            return unknown(f"the image scan ({status}): " + "; ".join(unreadable))
        if status not in COMPLETED_SCAN_STATUSES or not isinstance(counts, dict):
            return unknown(f"the image scan has not completed (status {status}), so its findings are not known")
        return passed(f"the image scan ({status}) found no Critical or High findings")
