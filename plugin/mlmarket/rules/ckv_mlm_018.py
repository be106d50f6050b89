"""CKV_MLM_018: container images in ECR stay within the image size budget (audit only)."""

from __future__ import annotations

from mlmarket import limits
from mlmarket.model import Finding, Resource, Stack, Unknown
from mlmarket.rules._numeric_limits import NotFinite, limit_number
from mlmarket.rules.base import Rule, RuleMetadata, failed, passed, unknown

ECR_IMAGE_TYPE = "aws_ecr_image"
BYTES_PER_GIB = 1024**3


class CKV_MLM_018(Rule):
    metadata = RuleMetadata(
        id="CKV_MLM_018",
        title="Container images in Amazon ECR stay within the image size budget",
        severity="MEDIUM",
        guide_section="Service restrictions and quotas for machine learning products: Image size",
        risk=(
            "SageMaker pulls the whole image before a training job, batch transform job or endpoint starts, "
            "and the Seller Guide ties image size to that startup time: a bloated image makes buyers' endpoints "
            "slow to create and scale, and the publish-time validation jobs slow to run. The budget is "
            f"mlmarket's, {limits.DEFAULT_IMAGE_SIZE_BUDGET_GIB} GiB by default (`image_size_budget_gib`), "
            "not an AWS quota."
        ),
        remediation=(
            "Shrink the image (a slim base, a multi-stage build, model weights in the model artifact on S3 "
            "instead of in the image), or raise the budget in `.mlmarket.yaml` "
            "(`image_size_budget_gib: 15`) when the size is deliberate. The audit reads the size ECR reports, "
            "so keep the images in a repository like this one:\n\n"
            '```hcl\nresource "aws_ecr_repository" "model" {\n  name = "my-model"\n\n'
            "  image_scanning_configuration {\n    scan_on_push = true\n  }\n}\n```"
        ),
        resource_types=(ECR_IMAGE_TYPE,),
        sources=("audit",),
    )

    def evaluate(self, resource: Resource, stack: Stack) -> Finding | None:
        if resource.mode != "managed":
            return None  # Terraform's `data "aws_ecr_image"`: the audit, not a scan, judges images
        configured = resource.get("image_size_budget_gib")
        budget = limit_number(configured if configured is not None else limits.DEFAULT_IMAGE_SIZE_BUDGET_GIB)
        if isinstance(budget, NotFinite):
            return unknown(f"the image size budget is {budget.shown}, not a finite number")
        if isinstance(budget, Unknown) or budget is None:
            reason = budget.reason if isinstance(budget, Unknown) else "no budget is set"
            return unknown(f"the image size budget (image_size_budget_gib) cannot be read: {reason}")
        origin = (
            "configured image_size_budget_gib"
            if configured is not None
            else "mlmarket's default; set image_size_budget_gib in .mlmarket.yaml"
        )
        size = limit_number(resource.get("image_size_in_bytes"))
        if isinstance(size, NotFinite):
            return unknown(f"the image size ECR reports is {size.shown}, not a finite number")
        if isinstance(size, Unknown):
            return unknown(f"the image size cannot be read: {size.reason}")
        if size is None:
            return unknown(
                "ECR reports no size for this image (an image index or manifest list has none of its own); "
                "check the image of each platform"
            )
        described = f"{_image(resource)} is {_gib(size)} GiB ({int(size)} bytes compressed)"
        if size > budget * BYTES_PER_GIB:
            return failed(f"{described}, over the {_gib_text(budget)} GiB image size budget ({origin})")
        return passed(f"{described}, within the {_gib_text(budget)} GiB image size budget ({origin})")


def _image(resource: Resource) -> str:
    tags = resource.get("image_tags")
    if isinstance(tags, list) and tags:
        return f"the image tagged {', '.join(str(t) for t in tags)}"
    return "the image"


def _gib(size_bytes: float) -> str:
    return f"{size_bytes / BYTES_PER_GIB:.2f}"


def _gib_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
