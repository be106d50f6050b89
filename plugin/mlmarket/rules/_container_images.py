"""The container images of a resource, resolved against the stack: shared by CKV_MLM_002, 003, 004 and 013."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mlmarket import images
from mlmarket.model import Finding, ResolvedImage, Resource, Stack, Unknown
from mlmarket.model.containers import ImageField, image_fields
from mlmarket.model.pipeline import PIPELINE_TYPE
from mlmarket.rules.base import unknown, worst


@dataclass(frozen=True)
class ImageUse:
    field: ImageField
    image: ResolvedImage

    @property
    def where(self) -> str:
        """The attribute path, and the in-configuration resource the image comes from when it is traced."""
        if self.image.origin_address is not None:
            return f"{self.field.path} ({self.image.origin_address})"
        return self.field.path


def resolved_images(resource: Resource, stack: Stack) -> list[ImageUse] | Unknown:
    """Every image of the resource, each parsed or traced to the in-configuration resource that makes it.

    Resolved once per resource (a resource belongs to one stack), though four rules ask."""

    def resolve(subject: Resource) -> list[ImageUse] | Unknown:
        fields = image_fields(subject)
        if isinstance(fields, Unknown):
            return fields
        return [ImageUse(field, stack.resolve_image(field.value, subject)) for field in fields]

    return resource.derive("resolved_images", resolve)


def private_ecr_images(resource: Resource, stack: Stack) -> list[ImageUse]:
    """The images known to be in private Amazon ECR; the others are CKV_MLM_002's concern."""
    uses = resolved_images(resource, stack)
    if isinstance(uses, Unknown):
        return []
    return [use for use in uses if use.image.kind == images.PRIVATE_ECR]


def judge_private_ecr_images(
    resource: Resource, stack: Stack, judge: Callable[[ImageUse], Finding], all_passed: str
) -> Finding | None:
    """One finding over the private ECR images of a resource; None when it has none that is or may be private
    ECR (002 judges the others). An image that cannot be resolved may be a private ECR image in the wrong
    account or region: it is UNKNOWN here too, so a gate with --strict never passes what it did not judge."""
    uses = resolved_images(resource, stack)
    if isinstance(uses, Unknown):
        return unreadable_images(resource, uses)
    findings = [judge(use) for use in uses if use.image.kind == images.PRIVATE_ECR]
    findings += [
        unknown(f"{use.where} cannot be resolved: {_reason(use.image)}") for use in uses if use.image.kind == "unknown"
    ]
    if not findings:
        return None
    return worst(findings, all_passed)


def unreadable_images(resource: Resource, why: Unknown) -> Finding:
    """The verdict on a resource whose images cannot be listed: a pipeline whose steps cannot be read, or a
    container list that is unknown as a whole."""
    what = "the pipeline steps" if resource.type == PIPELINE_TYPE else "the container images"
    return unknown(f"{what} cannot be read: {why.reason}")


def _reason(image: ResolvedImage) -> str:
    value = image.unknown
    return value.reason if isinstance(value, Unknown) else "its value is not known before apply"
